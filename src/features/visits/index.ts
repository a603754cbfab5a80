import { z } from 'zod';
import type { AppDeps } from '../../app/deps';
import type { CodedStore } from '../../app/coded-store';
import type { CardAnswer } from '../../app/card-handler';
import type { DispatchService } from '../dispatch/service';
import type { Feature } from '../../app/feature';
import { liveCardItem, messageKey, replyText, type InboundMessage, type OutboxItem } from '../../app/notify';
import type { Messenger } from '../../app/ports';
import { cardValue } from '../../cards/actions';
import { cut, momentText } from '../../cards/common';
import { renderCard } from '../../cards/template';
import { matchUnit } from '../../domain/dispatch';
import { hasRole, supervisedGroups, type Org, type Person } from '../../domain/org';
import { findProject, normalizeProjectCode } from '../../domain/project';
import { isLocalDate, localDate } from '../../domain/time';
import { normalize } from '../../domain/commands';
import { limitMessage, overLimit } from '../../limits';
import { visitModeOf, visitOpen, visitText, type Visit } from '../../domain/visit';
import type { ProjectService } from '../projects/service';

/** 现场督导 (docs/rules.md#on-site-visits): a visit card, what its thread brings, 现场处置, 转为派单, GET /api/visits. */
export type VisitStore = CodedStore<Visit>;
const CARD_FINDINGS = 8;

async function bytesOf(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c);
  return Buffer.concat(parts);
}

export function visitsFeature(deps: AppDeps, store: VisitStore, dispatch: DispatchService, projects: ProjectService, messenger: () => Messenger | undefined): Feature {
  const ref = (code: string) => `visit:${code}`;
  const refresh = (v: Visit): OutboxItem => ({ key: messageKey('refresh', ref(v.code), v.rev + 1), kind: 'refresh', ref: ref(v.code), msgType: 'interactive', render: { card: 'visit', ref: ref(v.code), view: 'main' } });
  const tz = () => deps.settings.tz;

  const card = (v: Visit, org: Org) => {
    const now = deps.clock.now();
    const today = localDate(now, tz());
    const open = visitOpen(v, now);
    return renderCard('visit', {
      summary: `现场督导 ${v.code}：发现问题 ${v.findings.length} 个，现场处置 ${v.settled.length} 项`,
      mode: v.mode,
      code: v.code,
      who: org.personName(v.supervisor),
      when: momentText(v.openedAt, tz(), today),
      color: open ? 'blue' : 'grey',
      status: open ? '进行中' : '已结束',
      statusColor: open ? 'blue' : 'neutral',
      where: v.location ? `${v.location.name} ${v.location.address}（${v.location.latitude}, ${v.location.longitude}）` : '（未发送定位）',
      units: v.units.map((u) => org.unitName(u)).join('、') || '—',
      project: v.project ?? '—',
      open,
      hasPhotos: v.photos.length > 0,
      photos: v.photos.slice(-3).map((p) => ({ key: p.imgKey })),
      findingCount: v.findings.length,
      findings: v.findings.slice(-CARD_FINDINGS).map((f) => ({
        seq: f.seq,
        text: cut(f.text, 60, true),
        status: f.state === 'open' ? '待处理' : f.state === 'settled' ? `已现场处置 ${f.task ?? ''}` : '已转为派单预览',
        canDispatch: f.state === 'open',
        value: cardValue('visit.dispatch', { c: v.code, x: String(f.seq) }),
      })),
      hasSettled: v.settled.length > 0,
      settled: v.settled.map((s) => `${s.task} ${cut(s.decision, 40, true)}（${s.units.map((u) => org.unitName(u)).join('、')}，${s.deadline} 前）`).join('\n'),
      hasMilestones: v.milestones.length > 0,
      milestones: v.milestones.map((m) => `${m.project} 第 ${m.seq} 个节点`).join('、'),
      values: { settle: cardValue('visit.settle', { c: v.code }), end: cardValue('visit.end', { c: v.code }) },
    });
  };

  const answer = (ok: boolean, content: string, c?: Record<string, unknown> | null, warn = false): CardAnswer => ({ toast: { type: ok ? 'success' : warn ? 'warning' : 'error', content }, ...(c ? { card: { type: 'raw' as const, data: c } } : {}) });

  const mine = (v: Visit, p: Person) => v.supervisor === p.code || hasRole(p, 'admin');

  /** One thing the thread brought, recorded under the visit's lock. */
  const record = (code: string, by: Person, apply: (v: Visit) => { visit?: Visit; reply: string }) =>
    store.change(code, (v) => {
      const r = apply(v);
      return r.visit ? { doc: { ...r.visit, lastAt: deps.clock.now() }, owed: [refresh(v)], audit: { action: 'visit.record', by: by.code, note: r.reply }, result: r.reply } : { result: r.reply };
    });

  const onThread = async (m: InboundMessage, person: Person, code: string): Promise<OutboxItem[] | null> => {
    const v = await store.get(code);
    if (!v || !mine(v, person)) return null;
    const now = deps.clock.now();
    if (!visitOpen(v, now)) return [replyText(m, `现场督导 ${v.code} 已结束（结束督导或 2 小时无新内容），未记入。如需继续，请重新发送“现场督导”。`)];
    if (overLimit('visitItems', v.photos.length + v.findings.length + 1)) return [replyText(m, `${limitMessage('visitItems', v.photos.length + v.findings.length + 1)}，请结束本次督导后重新发送“现场督导”。`)];
    const org = await deps.orgs.get();
    if (m.location) {
      const loc = { name: m.location.name, address: m.location.address, latitude: String(m.location.latitude), longitude: String(m.location.longitude) };
      return [replyText(m, (await record(code, person, (x) => ({ visit: { ...x, location: loc }, reply: `已记录地点：${loc.name || loc.address}` }))) ?? '')];
    }
    const images = m.attachments.filter((a) => a.kind === 'image');
    if (images.length) {
      const ms = messenger();
      if (!ms) return [replyText(m, '照片暂时无法保存（未连接飞书），请稍后重发。')];
      const keys: string[] = [];
      for (const img of images) keys.push(await ms.uploadImage(await bytesOf((await ms.messageResource(m.messageId, img.key, 'image')).stream)));
      const photos = keys.map((imgKey) => ({ imgKey, at: now, messageId: m.messageId }));
      const reply = await record(code, person, (x) => ({ visit: { ...x, photos: [...x.photos, ...photos] }, reply: `已记录现场照片 ${photos.length} 张` }));
      if (v.project) await projects.addPhotos(v.project, photos.map((p) => ({ imgKey: p.imgKey, at: now, by: person.code, visit: v.code })), person.code);
      return [replyText(m, reply ?? '')];
    }
    const text = m.text.trim();
    if (!text) return null;
    if (/^结束督导/.test(text)) return [replyText(m, await end(code, person))];
    if (normalize(text).startsWith('确认节点')) {
      const parts = normalize(text).slice(4).trim().split(/\s+/);
      const named = normalizeProjectCode(parts[0] ?? '');
      if (named) parts.shift();
      const pc = named ?? v.project;
      const seq = Number(parts.shift());
      if (!pc || !Number.isInteger(seq) || seq < 1) return [replyText(m, '请写明项目编号和节点序号，例如：确认节点 XM-2026-001 1')];
      const r = await projects.confirm(person, pc, seq, parts.join(' ').trim(), v.code);
      if (r.ok) await record(code, person, (x) => ({ visit: { ...x, project: x.project ?? pc, milestones: [...x.milestones, { project: pc, seq }] }, reply: r.toast }));
      if (r.ok && v.photos.length) await projects.addPhotos(pc, v.photos.slice(-3).map((p) => ({ imgKey: p.imgKey, at: p.at, by: person.code, visit: v.code })), person.code);
      return [replyText(m, r.ok ? `${r.toast}（现场督导 ${v.code}）` : r.message)];
    }
    const t = visitText(text);
    if (t.kind === 'units') {
      const codes: string[] = [];
      const bad: string[] = [];
      for (const name of t.value.split(/[、，,;；\s]+/).filter(Boolean)) {
        const u = matchUnit(name, org);
        if (u.ok) codes.push(u.unit.code);
        else bad.push(u.message);
      }
      if (bad.length) return [replyText(m, `未记录：${bad.join('；')}`)];
      return [replyText(m, (await record(code, person, (x) => ({ visit: { ...x, units: [...new Set([...x.units, ...codes])] }, reply: `已记录督导单位：${codes.map((c) => org.unitName(c)).join('、')}` }))) ?? '')];
    }
    if (t.kind === 'project') {
      const found = findProject(t.value, await projects.visibleTo(person, org));
      if (!found.ok) return [replyText(m, `未记录：${found.message}`)];
      return [replyText(m, (await record(code, person, (x) => ({ visit: { ...x, project: found.project.code }, reply: `已记录项目：${found.project.code} ${found.project.name}` }))) ?? '')];
    }
    if (overLimit('noteChars', [...t.text].length)) return [replyText(m, `${limitMessage('noteChars', [...t.text].length)}，请分条发送。`)];
    return [replyText(m, (await record(code, person, (x) => ({ visit: { ...x, findings: [...x.findings, { seq: x.findings.length + 1, text: t.text, at: now, messageId: m.messageId, state: 'open' }] }, reply: `已记录第 ${x.findings.length + 1} 个问题。可在卡片上“转为派单”或“现场处置”。` }))) ?? '')];
  };

  const end = async (code: string, p: Person): Promise<string> =>
    (await store.change(code, (v) => {
      if (!mine(v, p)) return { result: '只有本次督导的督导组成员可以结束督导。' };
      if (v.endedAt) return { result: `现场督导 ${v.code} 已结束。` };
      const now = deps.clock.now();
      return { doc: { ...v, endedAt: now, endedBy: 'button' }, owed: [refresh(v)], audit: { action: 'visit.end', by: p.code }, result: `已结束现场督导 ${v.code}：问题 ${v.findings.length} 个，照片 ${v.photos.length} 张。` };
    })) ?? '找不到这次现场督导。';

  const listQuery = z.object({ supervisor: z.string().max(40).optional(), group: z.string().max(20).optional(), limit: z.coerce.number().int().min(1).max(200).default(50), offset: z.coerce.number().int().min(0).default(0) });

  return {
    name: 'visits',
    commands: [
      {
        words: ['现场督导'],
        async handle(m, person, body) {
          const groups = supervisedGroups(person);
          if (!groups.length) return [replyText(m, '“现场督导”供督导组成员使用。')];
          const { mode } = visitModeOf(body);
          const now = deps.clock.now();
          const year = Number(localDate(now, tz()).slice(0, 4));
          const { doc } = await store.create(
            year,
            `msg:${m.messageId}`,
            (code) => ({ code, supervisor: person.code, group: groups[0], mode, chatId: m.chatId, messageId: m.messageId, openedAt: now, lastAt: now, units: [], photos: [], findings: [], settled: [], milestones: [], rev: 1 }),
            // a message of its own, so that what is posted in its thread names it
            (v) => [liveCardItem(messageKey('card', v.code), { type: 'chat_id', id: m.chatId }, 'visit', ref(v.code), 'main')],
            (v) => ({ action: 'visit.open', by: person.code, note: `现场督导（${v.mode}）` }),
          );
          return [replyText(m, `已开始现场督导 ${doc.code}（${doc.mode}）。请在督导卡片的话题中发送定位、现场照片和发现的问题。`)];
        },
      },
    ],
    async onMessage(m, ctx) {
      if (!ctx.cardRef?.startsWith('visit:')) return null;
      return onThread(m, ctx.person, ctx.cardRef.slice(6));
    },
    actions: {
      'visit.end': async (c) => {
        const msg = await end(c.value.c ?? '', c.person);
        const v = await store.get(c.value.c ?? '');
        return answer(msg.startsWith('已结束'), msg, v ? card(v, await deps.orgs.get()) : null, true);
      },
      'visit.settle': async (c) => {
        const org = await deps.orgs.get();
        const v = await store.get(c.value.c ?? '');
        if (!v) return answer(false, '找不到这次现场督导。');
        if (!mine(v, c.person)) return answer(false, '只有本次督导的督导组成员可以现场处置。');
        const decision = String(c.form.decision ?? '').trim();
        const deadline = String(c.form.deadline ?? '').slice(0, 10);
        const names = String(c.form.units ?? '').split(/[、，,;；\s]+/).filter(Boolean);
        const problems: string[] = [];
        if (!decision) problems.push('请填写现场处置决定（decision）');
        else if (overLimit('titleChars', [...decision].length)) problems.push(limitMessage('titleChars', [...decision].length, '处置决定'));
        const units: string[] = [];
        for (const n of names) {
          const u = matchUnit(n, org);
          if (u.ok) units.push(u.unit.code);
          else problems.push(`责任单位：${u.message}`);
        }
        if (!names.length) problems.push('请填写责任单位（units）');
        const today = localDate(deps.clock.now(), tz());
        if (!isLocalDate(deadline)) problems.push('请选择完成时限（deadline）');
        else if (deadline < today) problems.push(`完成时限 ${deadline} 已过去`);
        if (problems.length) return answer(false, problems.join('；'));
        const n = v.settled.length + 1;
        const draft = { ref: '现场处置', title: decision, content: `现场督导 ${v.code}（${v.mode}）现场处置${v.location ? `，地点：${v.location.name}` : ''}`, leadUnit: units[0], coUnits: units.slice(1), deadline, milestones: [], priority: '一般' as const, category: '问题整改', source: '现场督导' as const, ...(v.project ? { project: v.project } : {}) };
        const [task] = await dispatch.create([{ draft, origin: `visit:${v.code}:settle:${n}`, group: v.group }], c.person, '现场督导', undefined, org);
        await store.change(v.code, (x) => {
          if (x.settled.some((s) => s.task === task.code)) return { result: null };
          const open = x.findings.find((f) => f.state === 'open');
          return {
            doc: { ...x, lastAt: deps.clock.now(), settled: [...x.settled, { decision, units, deadline, task: task.code, at: deps.clock.now(), ...(open ? { finding: open.seq } : {}) }], findings: x.findings.map((f) => (f === open ? { ...f, state: 'settled' as const, task: task.code } : f)) },
            owed: [refresh(x)],
            audit: { action: 'visit.settle', by: c.person.code, note: `现场处置 ${task.code}：${decision}` },
            result: null,
          };
        });
        const now = await store.get(v.code);
        return answer(true, `已现场处置，督办事项 ${task.code} 已派发给${org.unitName(units[0])}`, now ? card(now, org) : null);
      },
      'visit.dispatch': async (c) => {
        const org = await deps.orgs.get();
        const v = await store.get(c.value.c ?? '');
        const seq = Number(c.value.x);
        const f = v?.findings.find((x) => x.seq === seq);
        if (!v || !f) return answer(false, '找不到这个问题，请刷新卡片。');
        if (!mine(v, c.person)) return answer(false, '只有本次督导的督导组成员可以转为派单。');
        if (f.state !== 'open') return answer(false, '这个问题已处理。', card(v, org), true);
        const unit = v.units[0] ? org.unitName(v.units[0]) : '';
        if (!unit) return answer(false, '请先在督导卡片的话题中写明单位（如“单位：梅山镇”），再转为派单。');
        const body = `1. ${cut(f.text, 60, true)}\n责任单位：${unit}${v.units.length > 1 ? `\n配合单位：${v.units.slice(1).map((u) => org.unitName(u)).join('、')}` : ''}\n完成时限：5个工作日\n工作要求：${f.text}（现场督导 ${v.code} 发现）\n来源：现场督导${v.project ? `\n项目：${v.project}` : ''}`;
        const r = await dispatch.preview(c.person, body, { chatId: v.chatId, messageId: `${v.code}-f${seq}` });
        if (!r.ok) return answer(false, 'refusal' in r ? r.refusal : r.problems.map((p) => p.message).join('；'));
        await deps.outbox.put([liveCardItem(messageKey('visit-pv', v.code, seq), { type: 'chat_id', id: v.chatId }, 'preview', `preview:${r.preview._id}`, 'preview')]);
        await store.change(v.code, (x) => ({ doc: { ...x, findings: x.findings.map((y) => (y.seq === seq ? { ...y, state: 'dispatched' as const, preview: r.preview._id } : y)) }, owed: [refresh(x)], audit: { action: 'visit.dispatch', by: c.person.code, note: `问题 ${seq} 转为派单预览` }, result: null }));
        const now = await store.get(v.code);
        return answer(true, '已生成派单预览，请在预览卡片上确认派发', now ? card(now, org) : null);
      },
    },
    renderers: {
      visit: async (code, org) => {
        const v = await store.get(code);
        return v ? card(v, org) : null;
      },
    },
    routes: [
      {
        method: 'get',
        path: '/visits',
        doc: { summary: 'On-site visits (现场督导), newest first: who, when, where, units, project, 明察/暗访, findings, settled on the spot', query: listQuery },
        async handle(req) {
          const q = req.query as z.infer<typeof listQuery>;
          const where: Record<string, string> = {};
          if (q.supervisor) where.supervisor = q.supervisor;
          if (q.group) where.group = q.group;
          const r = await store.list(where, q.limit, q.offset);
          return { body: { items: r.items.map((v) => ({ ...v, open: visitOpen(v, deps.clock.now()) })), total: r.total } };
        },
      },
    ],
    help(p) {
      return supervisedGroups(p).length ? [{ command: '现场督导', what: '开始一次现场督导（加“暗访”为不打招呼）；在卡片话题中发定位、照片、问题', example: '现场督导 暗访' }] : [];
    },
    relay: () => store.relayAll(),
  };
}
