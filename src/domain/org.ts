/** The organisation (docs/rules.md#roles-and-permissions, docs/rules.md#the-organisation-file): units, supervision groups, people and their roles. Pure data + lookups. */

export const UNIT_KINDS = ['township', 'street', 'department', 'other'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];
export const GROUP_KINDS = ['coordination', 'special'] as const;
export type GroupKind = (typeof GROUP_KINDS)[number];
export const SUPERVISOR_POSITIONS = ['组长', '副组长', '组员'] as const;
export type SupervisorPosition = (typeof SUPERVISOR_POSITIONS)[number];
export const OFFICIAL_POSITIONS = ['联络员', '负责人'] as const;
export type OfficialPosition = (typeof OFFICIAL_POSITIONS)[number];

export interface Unit {
  code: string;
  name: string;
  fullName?: string;
  aliases: string[];
  kind: UnitKind;
  area?: string;
  chatId?: string;
  active: boolean;
}

export interface Group {
  code: string;
  name: string;
  kind: GroupKind;
  cityLeader: string; // person code
  units: string[]; // unit codes (the coordination group reaches every unit whatever this says)
  chatId?: string;
  active: boolean;
}

export type Role =
  | { kind: 'supervisor'; group: string; position: SupervisorPosition }
  | { kind: 'official'; unit: string; position: OfficialPosition }
  | { kind: 'cityLeader' }
  | { kind: 'admin' }
  | { kind: 'observer' };

export interface Person {
  code: string;
  name: string;
  openId?: string;
  mobile?: string;
  email?: string;
  roles: Role[];
  active: boolean;
}

export interface OrgData {
  units: Unit[];
  groups: Group[];
  people: Person[];
}

/** Read-only lookups over one snapshot of the organisation (active entries only). */
export class Org {
  readonly units: Unit[];
  readonly groups: Group[];
  readonly people: Person[];
  private readonly unitBy = new Map<string, Unit>();
  private readonly groupBy = new Map<string, Group>();
  private readonly personBy = new Map<string, Person>();
  private readonly personByOpenId = new Map<string, Person>();

  constructor(data: OrgData) {
    this.units = data.units.filter((u) => u.active);
    this.groups = data.groups.filter((g) => g.active);
    this.people = data.people.filter((p) => p.active);
    for (const u of this.units) this.unitBy.set(u.code, u);
    for (const g of this.groups) this.groupBy.set(g.code, g);
    for (const p of this.people) {
      this.personBy.set(p.code, p);
      if (p.openId) this.personByOpenId.set(p.openId, p);
    }
  }

  unit(code: string): Unit | undefined {
    return this.unitBy.get(code);
  }
  group(code: string): Group | undefined {
    return this.groupBy.get(code);
  }
  person(code: string): Person | undefined {
    return this.personBy.get(code);
  }
  byOpenId(openId: string): Person | undefined {
    return this.personByOpenId.get(openId);
  }

  unitName(code: string): string {
    return this.unitBy.get(code)?.name ?? code;
  }
  personName(code: string): string {
    return this.personBy.get(code)?.name ?? code;
  }

  /** Units a group may dispatch to: the coordination group reaches every unit. */
  unitsOfGroup(groupCode: string): Unit[] {
    const g = this.groupBy.get(groupCode);
    if (!g) return [];
    if (g.kind === 'coordination') return this.units;
    return g.units.map((c) => this.unitBy.get(c)).filter((u): u is Unit => Boolean(u));
  }

  /** The special group(s) linked to a unit, falling back to the coordination group. */
  groupsOfUnit(unitCode: string): Group[] {
    const linked = this.groups.filter((g) => g.kind === 'special' && g.units.includes(unitCode));
    return linked.length ? linked : this.groups.filter((g) => g.kind === 'coordination');
  }

  coordinationGroup(): Group | undefined {
    return this.groups.find((g) => g.kind === 'coordination');
  }

  supervisorsOf(groupCode: string, position?: SupervisorPosition): Person[] {
    return this.people.filter((p) => p.roles.some((r) => r.kind === 'supervisor' && r.group === groupCode && (!position || r.position === position)));
  }

  officialsOf(unitCode: string, position?: OfficialPosition): Person[] {
    return this.people.filter((p) => p.roles.some((r) => r.kind === 'official' && r.unit === unitCode && (!position || r.position === position)));
  }

  groupsLedBy(leaderCode: string): Group[] {
    return this.groups.filter((g) => g.cityLeader === leaderCode);
  }

  admins(): Person[] {
    return this.people.filter((p) => hasRole(p, 'admin'));
  }
}

export function hasRole(p: Person, kind: Role['kind']): boolean {
  return p.roles.some((r) => r.kind === kind);
}

export function supervisedGroups(p: Person): string[] {
  return p.roles.flatMap((r) => (r.kind === 'supervisor' ? [r.group] : []));
}

export function officialUnits(p: Person): string[] {
  return p.roles.flatMap((r) => (r.kind === 'official' ? [r.unit] : []));
}
