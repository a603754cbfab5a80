import type { AppDeps } from '../../app/deps';
import type { CodedStore } from '../../app/coded-store';
import { replyText, type InboundMessage, type OutboxItem } from '../../app/notify';
import type { Messenger } from '../../app/ports';
import { normalize } from '../../domain/commands';
import { matchUnit } from '../../domain/dispatch';
import type { Org, Person } from '../../domain/org';
import { findProject, normalizeProjectCode } from '../../domain/project';
import { visitOpen, visitText, type Visit } from '../../domain/visit';
import { limitMessage, overLimit } from '../../limits';
import type { ProjectService } from '../projects/service';

/** What a supervisor posts in a visit card's thread (docs/rules.md#on-site-visits): a location, photos, `单位：` `项目：`, `确认节点`, `结束督导`, findings. */
export interface ThreadDeps {
  deps: Pick<AppDeps, 'clock' | 'orgs'>;
  store: CodedStore<Visit>;
  projects: ProjectService;
  messenger: () => Messenger | undefined;
  refresh: (v: Visit) => OutboxItem;
  mine: (v: Visit, p: Person) => boolean;
  end: (code: string, p: Person) => Promise<string>;
}

type Reply = (text: string) => OutboxItem[];

async function bytesOf(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c);
  return Buffer.concat(parts);
}

export function visitThread(t: ThreadDeps) {
  const { deps, store, projects } = t;

  /** One thing the thread brought, recorded under the visit's lock. */
  const record = async (code: string, by: Person, apply: (v: Visit) => { visit?: Visit; reply: string }): Promise<string> =>
    (await store.change(code, (v) => {
      const r = apply(v);
      return r.visit ? { doc: { ...r.visit, lastAt: deps.clock.now() }, owed: [t.refresh(v)], audit: { action: 'visit.record', by: by.code, note: r.reply }, result: r.reply } : { result: r.reply };
    })) ?? '';

  const photos = async (m: InboundMessage, person: Person, v: Visit, reply: Reply): Promise<OutboxItem[]> => {
    const images = m.attachments.filter((a) => a.kind === 'image');
    const ms = t.messenger();
    if (!ms) return reply('照片暂时无法保存（未连接飞书），请稍后重发。');
    const now = deps.clock.now();
    const keys: string[] = [];
    for (const img of images) keys.push(await ms.uploadImage(await bytesOf((await ms.messageResource(m.messageId, img.key, 'image')).stream)));
    const added = keys.map((imgKey) => ({ imgKey, at: now, messageId: m.messageId }));
    const text = await record(v.code, person, (x) => ({ visit: { ...x, photos: [...x.photos, ...added] }, reply: `已记录现场照片 ${added.length} 张` }));
    if (v.project) await projects.addPhotos(v.project, added.map((p) => ({ imgKey: p.imgKey, at: now, by: person.code, visit: v.code })), person.code);
    return reply(text);
  };

  const confirm = async (text: string, person: Person, v: Visit, reply: Reply): Promise<OutboxItem[]> => {
    const parts = normalize(text).slice(4).trim().split(/\s+/);
    const named = normalizeProjectCode(parts[0] ?? '');
    if (named) parts.shift();
    const pc = named ?? v.project;
    const seq = Number(parts.shift());
    if (!pc || !Number.isInteger(seq) || seq < 1) return reply('请写明项目编号和节点序号，例如：确认节点 XM-2026-001 1');
    const r = await projects.confirm(person, pc, seq, parts.join(' ').trim(), v.code);
    if (!r.ok) return reply(r.message);
    await record(v.code, person, (x) => ({ visit: { ...x, project: x.project ?? pc, milestones: [...x.milestones, { project: pc, seq }] }, reply: r.toast }));
    if (v.photos.length) await projects.addPhotos(pc, v.photos.slice(-3).map((p) => ({ imgKey: p.imgKey, at: p.at, by: person.code, visit: v.code })), person.code);
    return reply(`${r.toast}（现场督导 ${v.code}）`);
  };

  const lines = async (text: string, person: Person, v: Visit, org: Org, m: InboundMessage, reply: Reply): Promise<OutboxItem[]> => {
    const said = visitText(text);
    if (said.kind === 'units') {
      const codes: string[] = [];
      const bad: string[] = [];
      for (const name of said.value.split(/[、，,;；\s]+/).filter(Boolean)) {
        const u = matchUnit(name, org);
        if (u.ok) codes.push(u.unit.code);
        else bad.push(u.message);
      }
      if (bad.length) return reply(`未记录：${bad.join('；')}`);
      return reply(await record(v.code, person, (x) => ({ visit: { ...x, units: [...new Set([...x.units, ...codes])] }, reply: `已记录督导单位：${codes.map((c) => org.unitName(c)).join('、')}` })));
    }
    if (said.kind === 'project') {
      const found = findProject(said.value, await projects.visibleTo(person, org));
      if (!found.ok) return reply(`未记录：${found.message}`);
      return reply(await record(v.code, person, (x) => ({ visit: { ...x, project: found.project.code }, reply: `已记录项目：${found.project.code} ${found.project.name}` })));
    }
    if (overLimit('noteChars', [...said.text].length)) return reply(`${limitMessage('noteChars', [...said.text].length)}，请分条发送。`);
    const now = deps.clock.now();
    return reply(await record(v.code, person, (x) => ({ visit: { ...x, findings: [...x.findings, { seq: x.findings.length + 1, text: said.text, at: now, messageId: m.messageId, state: 'open' }] }, reply: `已记录第 ${x.findings.length + 1} 个问题。可在卡片上“转为派单”或“现场处置”。` })));
  };

  return async (m: InboundMessage, person: Person, code: string): Promise<OutboxItem[] | null> => {
    const v = await store.get(code);
    if (!v || !t.mine(v, person)) return null;
    const reply: Reply = (text) => [replyText(m, text)];
    if (!visitOpen(v, deps.clock.now())) return reply(`现场督导 ${v.code} 已结束（结束督导或 2 小时无新内容），未记入。如需继续，请重新发送“现场督导”。`);
    const n = v.photos.length + v.findings.length + 1;
    if (overLimit('visitItems', n)) return reply(`${limitMessage('visitItems', n)}，请结束本次督导后重新发送“现场督导”。`);
    if (m.location) {
      const loc = { name: m.location.name, address: m.location.address, latitude: String(m.location.latitude), longitude: String(m.location.longitude) };
      return reply(await record(code, person, (x) => ({ visit: { ...x, location: loc }, reply: `已记录地点：${loc.name || loc.address}` })));
    }
    if (m.attachments.some((a) => a.kind === 'image')) return photos(m, person, v, reply);
    const text = m.text.trim();
    if (!text) return null;
    if (/^结束督导/.test(text)) return reply(await t.end(code, person));
    if (normalize(text).startsWith('确认节点')) return confirm(text, person, v, reply);
    return lines(text, person, v, await deps.orgs.get(), m, reply);
  };
}
