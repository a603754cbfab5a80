import type { AppDeps } from '../../app/deps';
import { groupTargets, liveCardItem, messageKey } from '../../app/notify';
import type { Messenger } from '../../app/ports';
import type { Org, Person } from '../../domain/org';
import type { Project } from '../../domain/project';
import { addDays, localDate, zonedInstant } from '../../domain/time';
import type { Visit, VisitPhoto } from '../../domain/visit';
import type { ProjectService } from '../projects/service';
import type { CodedStore } from '../../app/coded-store';

type VisitStore = CodedStore<Visit>;

/**
 * The sandbox demo city's field work (sandbox mode only, once): a project of the first special group with
 * three milestones, the first confirmed by a 明察 visit six days ago, and a 暗访 two days ago; both visits
 * with a location, findings and photos re-uploaded as the app's own images, their cards and the project's
 * in the group's chat. No tasks, so the newcomer's first order is DB-YYYY-0001.
 */
const SITE_PHOTO = 'iVBORw0KGgoAAAANSUhEUgAAADAAAAAgCAIAAADbtmxLAAAAWklEQVR42mOYtu/ZoEIMow4aUQ66c+cSQTTqoFEHjTpo1EGjDqLUQRV5UVjRiQobmiJc9o46iGwH/foQAEQQzbRgk+yggUKjDhp10KiDRh006qBRB406iMoIACGcYDfsMrKzAAAAAElFTkSuQmCC';

type Ctx = { deps: AppDeps; org: Org; group: string; year: number; at: (days: number, time: string) => Date; day: (days: number) => string; photos: (n: number, at: Date, id: string) => Promise<VisitPhoto[]> };

async function demoProject(c: Ctx, projects: ProjectService, chief: Person, units: string[]): Promise<Project> {
  const name = `${c.org.unitName(units[0])}茂盛路二期征迁工程`;
  const milestones = [
    { seq: 1, date: c.day(-5), label: '完成剩余征迁签约' },
    { seq: 2, date: c.day(10), label: '完成地上物清表' },
    { seq: 3, date: c.day(40), label: '主体工程开工' },
  ];
  const { doc } = await projects.store.create(
    c.year,
    'demo:project',
    (code) => ({ code, name, category: '重点项目', leadUnit: units[0], coUnits: units.slice(1), group: c.group, leader: c.org.group(c.group)?.cityLeader ?? '', milestones, tasks: [], photos: [], createdAt: c.at(-30, '09:30:00'), createdBy: chief.code, rev: 1 }),
    (p) => groupTargets(c.org, c.group).map((to) => liveCardItem(messageKey('card', p.code, to.id), to, 'project', projects.ref(p.code), 'main')),
    (p) => ({ action: 'project.open', by: chief.code, note: `立项：${p.name}（示例）` }),
  );
  return doc;
}

async function demoVisit(c: Ctx, store: VisitStore, v: Omit<Visit, 'code' | 'chatId' | 'messageId' | 'rev'>, origin: string): Promise<Visit> {
  const chat = c.org.group(c.group)?.chatId ?? '';
  const { doc } = await store.create(
    c.year,
    origin,
    (code) => ({ ...v, code, chatId: chat, messageId: origin, rev: 1 }),
    (x) => (chat ? [liveCardItem(messageKey('card', x.code), { type: 'chat_id', id: chat }, 'visit', `visit:${x.code}`, 'main')] : []),
    (x) => ({ action: 'visit.open', by: x.supervisor, note: `现场督导（${x.mode}，示例）` }),
  );
  return doc;
}

export async function fieldWorkDemo(deps: AppDeps, store: VisitStore, projects: ProjectService, messenger: () => Messenger | undefined): Promise<void> {
  if ((await store.list({}, 1, 0)).total || (await projects.store.list({}, 1, 0)).total) return;
  const ms = messenger();
  const org = await deps.orgs.get();
  const g = org.groups.find((x) => x.kind === 'special' && org.unitsOfGroup(x.code).length >= 2 && org.supervisorsOf(x.code, '组长').length);
  if (!g || !ms) return;
  const tz = deps.settings.tz;
  const today = localDate(deps.clock.now(), tz);
  const c: Ctx = {
    deps,
    org,
    group: g.code,
    year: Number(today.slice(0, 4)),
    day: (n) => addDays(today, n),
    at: (n, time) => zonedInstant(addDays(today, n), time, tz),
    photos: async (n, at, id) => {
      const out: VisitPhoto[] = [];
      for (let i = 0; i < n; i++) out.push({ imgKey: await ms.uploadImage(Buffer.from(SITE_PHOTO, 'base64')), at, messageId: `${id}-photo-${i + 1}` });
      return out;
    },
  };
  const [a, b] = org.unitsOfGroup(g.code);
  const chief = org.supervisorsOf(g.code, '组长')[0];
  const other = org.supervisorsOf(g.code).find((p) => p.code !== chief.code) ?? chief;
  const project = await demoProject(c, projects, chief, [a.code, b.code]);
  const seen = c.at(-6, '10:20:00');
  const first = await demoVisit(c, store, {
    supervisor: chief.code, group: g.code, mode: '明察', openedAt: c.at(-6, '10:00:00'), lastAt: c.at(-6, '11:10:00'), endedAt: c.at(-6, '11:15:00'), endedBy: 'button',
    location: { name: `${a.name}茂盛路征迁现场`, address: `${a.name}茂盛路18号`, latitude: '24.9105', longitude: '118.5921' },
    units: [a.code, b.code], project: project.code, photos: await c.photos(2, seen, 'demo-visit-1'),
    findings: [
      { seq: 1, text: '施工围挡有一段破损，存在安全隐患', at: seen, messageId: 'demo-visit-1-f1', state: 'open' },
      { seq: 2, text: '清表进度滞后，地上附着物尚余约三成', at: seen, messageId: 'demo-visit-1-f2', state: 'open' },
    ],
    settled: [], milestones: [{ project: project.code, seq: 1 }],
  }, 'demo:visit:1');
  const quiet = c.at(-2, '15:40:00');
  await demoVisit(c, store, {
    supervisor: other.code, group: g.code, mode: '暗访', openedAt: c.at(-2, '15:00:00'), lastAt: quiet, endedAt: c.at(-2, '17:40:00'), endedBy: 'quiet',
    location: { name: `${b.name}安置房工地`, address: `${b.name}凤山路6号`, latitude: '24.9032', longitude: '118.6017' },
    units: [b.code], photos: await c.photos(1, quiet, 'demo-visit-2'),
    findings: [{ seq: 1, text: '工地扬尘未覆盖，夜间施工未公示', at: quiet, messageId: 'demo-visit-2-f1', state: 'open' }],
    settled: [], milestones: [],
  }, 'demo:visit:2');
  // the first milestone confirmed by the first visit, its photos on the project card (before any card is sent)
  await projects.store.change(project.code, (p) => ({
    doc: {
      ...p,
      milestones: p.milestones.map((m) => (m.seq === 1 ? { ...m, confirmedAt: c.at(-6, '11:00:00'), confirmedBy: chief.code, note: '现场查看已全部签约', visit: first.code } : m)),
      photos: first.photos.map((x) => ({ imgKey: x.imgKey, at: x.at, by: chief.code, visit: first.code })),
    },
    audit: { action: 'project.confirm', by: chief.code, note: `确认节点 1：完成剩余征迁签约，现场督导 ${first.code}（示例）`, after: { seq: 1, visit: first.code } },
    result: null,
  }));
}
