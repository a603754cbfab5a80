import { z } from 'zod';
import {
  GROUP_KINDS,
  OFFICIAL_POSITIONS,
  SUPERVISOR_POSITIONS,
  UNIT_KINDS,
  type Group,
  type OfficialPosition,
  type Person,
  type Role,
  type SupervisorPosition,
  type Unit,
} from '../domain/org';

/**
 * The organisation file (docs/rules.md#the-organisation-file), one entry at a time. Spreadsheets give numbers and empty cells, so
 * numbers become text and blanks count as absent; kinds and role names may be written in Chinese.
 * Cross-references (unknown unit, missing 组长 …) are checked over the whole file in validate.ts.
 */

export type UnitIn = Omit<Unit, 'active'>;
export type GroupIn = Omit<Group, 'active'>;
export type PersonIn = Omit<Person, 'active'>;

/** Roles as the file writes them. */
export type FileRole =
  | 'cityLeader'
  | 'admin'
  | 'observer'
  | { supervisor: string; position: SupervisorPosition }
  | { official: string; position: OfficialPosition };
export type FileUnit = Omit<UnitIn, 'aliases'> & { aliases?: string[] };
export type FileGroup = Omit<GroupIn, 'units'> & { units?: string[] };
export type FilePerson = Omit<PersonIn, 'roles'> & { roles: FileRole[] };
export interface OrgFile {
  units: FileUnit[];
  groups: FileGroup[];
  people: FilePerson[];
}

export const LIST_SEPARATORS = /[、,，;；\n]/;

const blank = (v: unknown): unknown => (v === null || (typeof v === 'string' && v.trim() === '') ? undefined : typeof v === 'number' ? String(v) : v);
const alias = (table: Record<string, string>) => (v: unknown) => {
  const b = blank(v);
  return typeof b === 'string' ? (table[b.trim()] ?? table[b.trim().toLowerCase()] ?? b.trim()) : b;
};

const CODE = /^[^\s,，、;；:：]+$/;
const CODE_MESSAGE = '编码不能含空格、冒号或分隔符';
const TEXT = z.string().trim().min(1).max(200);
const CODE_TEXT = z.string().trim().max(64).regex(CODE, CODE_MESSAGE);
const CHAT_ID = z.string().trim().regex(/^oc_[\w-]+$/, '群聊 ID 应以 oc_ 开头');
const OPEN_ID = z.string().trim().regex(/^ou_[\w-]+$/, 'open_id 应以 ou_ 开头');
const MOBILE = z.string().transform((v) => v.replace(/[\s-]/g, '')).pipe(z.string().regex(/^(\+86)?1\d{10}$/, '手机号格式不正确，应为 11 位数字，可带 +86'));
const EMAIL = z.string().trim().regex(/^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/, '邮箱格式不正确');
const splitList = (v: unknown): unknown => (typeof v === 'string' ? v.split(LIST_SEPARATORS).map((s) => s.trim()).filter(Boolean) : v);

/** Blank cells and YAML nulls count as absent, for required fields (→ "required") and optional ones alike. */
const req = <T extends z.ZodType>(schema: T) => z.preprocess(blank, schema);
const opt = <T extends z.ZodType>(schema: T) => z.preprocess(blank, schema.optional());
const list = <T extends z.ZodType>(item: T) => z.preprocess((v) => splitList(blank(v)), z.array(item).optional());
export const code = req(CODE_TEXT);

const UNIT_KIND_ALIASES: Record<string, string> = { 乡镇: 'township', 乡: 'township', 镇: 'township', 街道: 'street', 部门: 'department', 市直部门: 'department', 县直部门: 'department', 市直单位: 'department', 其他: 'other' };
const GROUP_KIND_ALIASES: Record<string, string> = { 综合协调: 'coordination', 综合协调组: 'coordination', 专项: 'special', 专项督导组: 'special' };

const uniq = (xs: string[] | undefined): string[] => [...new Set(xs ?? [])];
const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

export const unitSchema = z
  .strictObject({
    code,
    name: req(TEXT),
    fullName: opt(TEXT),
    aliases: list(TEXT),
    kind: z.preprocess(alias(UNIT_KIND_ALIASES), z.enum(UNIT_KINDS)),
    area: opt(TEXT),
    chatId: opt(CHAT_ID),
  })
  .transform((u): UnitIn => defined({ ...u, aliases: uniq(u.aliases) }));

export const groupSchema = z
  .strictObject({
    code,
    name: req(TEXT),
    kind: z.preprocess(alias(GROUP_KIND_ALIASES), z.enum(GROUP_KINDS)),
    cityLeader: z.preprocess(blank, z.string({ error: (iss) => (iss.input === undefined ? '缺少挂钩市领导 (cityLeader)' : undefined) }).trim().max(64).regex(CODE, CODE_MESSAGE)),
    units: list(CODE_TEXT),
    chatId: opt(CHAT_ID),
  })
  .transform((g): GroupIn => defined({ ...g, units: uniq(g.units) }));

type RoleName = Role['kind'];
const ROLE_NAMES: Record<string, RoleName> = {
  supervisor: 'supervisor', 督导: 'supervisor', 督导组: 'supervisor', 督导员: 'supervisor',
  official: 'official', 单位: 'official', 单位人员: 'official',
  cityleader: 'cityLeader', 市领导: 'cityLeader', 挂钩市领导: 'cityLeader',
  admin: 'admin', 管理员: 'admin', 系统管理员: 'admin',
  observer: 'observer', 观察员: 'observer', 纪委: 'observer', 组织部: 'observer',
};
const roleName = (k: string): RoleName | undefined => ROLE_NAMES[k.trim()] ?? ROLE_NAMES[k.trim().toLowerCase()];
const ROLE_HINT = '可选 supervisor | official | cityLeader | admin | observer，例如 { supervisor: G1, position: 组长 }';

/** One role as written (`cityLeader`, `{ supervisor: G1, position: 组长 }` …) → the domain's Role. */
export const roleSchema = z.unknown().transform((v, ctx): Role => {
  const fail = (message: string, path: PropertyKey[] = []) => {
    ctx.addIssue({ code: 'custom', message, path });
    return z.NEVER;
  };
  if (typeof v === 'string') {
    const name = roleName(v);
    if (name === 'cityLeader' || name === 'admin' || name === 'observer') return { kind: name };
    if (name) return fail(`角色 ${v} 需要写明${name === 'supervisor' ? '督导组和职务，如 { supervisor: G1, position: 组长 }' : '单位和职务，如 { official: MSZ, position: 联络员 }'}`);
    return fail(`未知角色 "${v}"，${ROLE_HINT}`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return fail(`角色格式不正确，${ROLE_HINT}`);
  const entries = Object.entries(v as Record<string, unknown>);
  const positionEntry = entries.find(([k]) => k === 'position' || k === '职务');
  const named = entries.filter(([k]) => k !== 'position' && k !== '职务');
  if (named.length !== 1 || !roleName(named[0][0])) return fail(`角色格式不正确，${ROLE_HINT}`);
  const [key, target] = named[0];
  const kind = roleName(key)!;
  if (kind === 'cityLeader' || kind === 'admin' || kind === 'observer') return { kind };
  const ref = blank(target);
  if (typeof ref !== 'string' || !code.safeParse(ref).success) return fail(kind === 'supervisor' ? '督导组编码缺失或无效' : '单位编码缺失或无效', [key]);
  const position = typeof positionEntry?.[1] === 'string' ? positionEntry[1].trim() : undefined;
  if (kind === 'supervisor') {
    if (!SUPERVISOR_POSITIONS.includes(position as SupervisorPosition)) return fail(`督导组职务${position ? `无效 "${position}"` : '缺失'}，可选 ${SUPERVISOR_POSITIONS.join(' | ')}`, ['position']);
    return { kind, group: ref.trim(), position: position as SupervisorPosition };
  }
  if (!OFFICIAL_POSITIONS.includes(position as OfficialPosition)) return fail(`单位职务${position ? `无效 "${position}"` : '缺失'}，可选 ${OFFICIAL_POSITIONS.join(' | ')}`, ['position']);
  return { kind, unit: ref.trim(), position: position as OfficialPosition };
});

export const personSchema = z
  .strictObject({
    code,
    name: req(TEXT),
    openId: opt(OPEN_ID),
    mobile: opt(MOBILE),
    email: opt(EMAIL),
    roles: z.preprocess(blank, z.array(roleSchema).min(1, '至少需要一个角色 (roles)')),
  })
  .refine((p) => Boolean(p.openId || p.mobile || p.email), {
    message: '需要 openId，或可解析的 mobile / email',
    path: ['openId'],
    when: (payload) => typeof payload.value === 'object' && payload.value !== null, // reported even when other fields are wrong too
  })
  .transform((p): PersonIn => {
    const roles = [...new Map(p.roles.map((r) => [roleKey(r), r])).values()];
    return defined({ ...p, roles });
  });

/** A stable text for comparing roles (and for sorting them). */
export function roleKey(r: Role): string {
  if (r.kind === 'supervisor') return `supervisor:${r.group}:${r.position}`;
  if (r.kind === 'official') return `official:${r.unit}:${r.position}`;
  return r.kind;
}

export function toFileRole(r: Role): FileRole {
  if (r.kind === 'supervisor') return { supervisor: r.group, position: r.position };
  if (r.kind === 'official') return { official: r.unit, position: r.position };
  return r.kind;
}

/** Zod's default wording, in the file's language (schema-specific messages above take precedence). */
export function issueMessage(iss: { code: string; input?: unknown; expected?: string; values?: unknown[]; keys?: string[] }): string | undefined {
  switch (iss.code) {
    case 'invalid_type':
      return iss.input === undefined ? '缺少必填字段 (required)' : `类型不正确，应为${iss.expected === 'array' ? '列表' : iss.expected === 'object' ? '对象' : '文本'}`;
    case 'invalid_value':
      return `取值无效 "${String(iss.input)}"，可选 ${(iss.values ?? []).join(' | ')}`;
    case 'too_small':
      return '不能为空';
    case 'too_big':
      return '太长';
    default:
      return undefined;
  }
}
