import type { OrgData } from '../src/domain/org';

/**
 * An organisation large enough for the click bench: `units` units, each with its own chat and one
 * 联络员 (`ou_bo001` …), in special groups of 20 units with a 组长 each, a coordination group, a city
 * leader and an admin.
 */
export function benchOrg(units = 200): OrgData {
  const pad = (n: number) => String(n).padStart(3, '0');
  const groups = Math.ceil(units / 20);
  const gcode = (g: number) => `G${pad(g + 1)}`;
  return {
    units: Array.from({ length: units }, (_, i) => ({ code: `U${pad(i + 1)}`, name: `测试单位${pad(i + 1)}`, kind: 'department' as const, aliases: [], chatId: `oc_bu${pad(i + 1)}`, active: true })),
    groups: [
      { code: 'G000', name: '综合协调组', kind: 'coordination' as const, cityLeader: 'PL', units: [], chatId: 'oc_bg000', active: true },
      ...Array.from({ length: groups }, (_, g) => ({
        code: gcode(g),
        name: `第${g + 1}专项督导组`,
        kind: 'special' as const,
        cityLeader: 'PL',
        units: Array.from({ length: 20 }, (_, k) => g * 20 + k).filter((i) => i < units).map((i) => `U${pad(i + 1)}`),
        chatId: `oc_bg${pad(g + 1)}`,
        active: true,
      })),
    ],
    people: [
      ...Array.from({ length: units }, (_, i) => ({ code: `O${pad(i + 1)}`, name: `联络员${pad(i + 1)}`, openId: `ou_bo${pad(i + 1)}`, roles: [{ kind: 'official' as const, unit: `U${pad(i + 1)}`, position: '联络员' as const }], active: true })),
      ...Array.from({ length: groups }, (_, g) => ({ code: `S${pad(g + 1)}`, name: `组长${pad(g + 1)}`, openId: `ou_bs${pad(g + 1)}`, roles: [{ kind: 'supervisor' as const, group: gcode(g), position: '组长' as const }], active: true })),
      { code: 'PL', name: '王市长', openId: 'ou_leader', roles: [{ kind: 'cityLeader' as const }], active: true },
      { code: 'A1', name: '管理员', openId: 'ou_admin', roles: [{ kind: 'admin' as const }], active: true },
    ],
  };
}
