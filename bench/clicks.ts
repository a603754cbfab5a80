import { DispatchService } from '../src/features/dispatch/service';
import { findButton } from '../src/cards/inspect';
import type { DraftTask } from '../src/domain/dispatch/types';
import type { OrgData } from '../src/domain/org';
import type { Service } from '../src/main';
import { parseSeedArgs, seedTasks } from '../scripts/seed-tasks';
import { signRequest, type FakeFeishu } from '../test/fake-feishu';
import { drive, type Answer, type poster, type RoundTrips } from './load';

/**
 * The card-click phases of the ingress bench: tasks dispatched through the app (their cards sent by the
 * outbox to the fake Feishu, as in production), then 签收 pressed on each unit's card by its official,
 * all at once, as signed and encrypted card callbacks.
 */
const APP = { verificationToken: 'bench-verification', encryptKey: 'bench-encrypt-key' };

export interface Click {
  code: string;
  openId: string;
  messageId: string;
  chatId: string;
  value: Record<string, unknown>;
}

export interface ClickResult {
  sent: number;
  p50: number;
  p99: number;
  max: number;
  /** answered with the updated card */
  updated: number;
  /** answered with the holding toast (the work finished after the answer) */
  holding: number;
  /** not 200, or an error or warning toast */
  errors: number;
  /** tasks accepted, with one 签收 in their history */
  appliedOnce: number;
  rtPerReq: number;
  rtDetail: string;
}

type Poster = ReturnType<typeof poster>;

function draft(unit: string, i: number): DraftTask {
  return { ref: `第${i + 1}项`, title: `压力测试督办事项${i + 1}`, content: '按期完成并反馈佐证材料', leadUnit: unit, coUnits: [], deadline: '2026-12-31', milestones: [], priority: '一般', category: '其他', source: '日常督导' };
}

/**
 * Dispatches one task per unit for each batch (the first `n` units), sends their cards, seeds
 * `openTasks` more open tasks (after the dispatches: seeding continues the year's numbering), and
 * returns each batch's clicks: the 签收 button of each task's unit card, pressed by the unit's official.
 */
export async function prepareClicks(o: { service: Service; fake: FakeFeishu; org: OrgData; batches: number[]; openTasks: number; now: Date }): Promise<{ tasks: number; seeded: number; batches: Click[][] }> {
  const { service, fake, org: data } = o;
  for (const p of data.people) if (p.openId) fake.addUser({ openId: p.openId, name: p.name });
  const officialOf = (unit: string) => data.people.find((p) => p.roles.some((r) => r.kind === 'official' && r.unit === unit))!;
  for (const u of data.units) fake.addChat({ chatId: u.chatId!, name: u.name, members: [officialOf(u.code).openId!] });
  for (const g of data.groups) fake.addChat({ chatId: g.chatId!, name: g.name, members: data.people.filter((p) => p.roles.some((r) => r.kind === 'supervisor' && r.group === g.code)).map((p) => p.openId!) });
  const org = await service.deps.orgs.get();
  const admin = org.byOpenId('ou_admin')!;
  const dispatch = new DispatchService(service.deps);
  const created: { code: string; unit: string }[][] = [];
  for (const n of o.batches) {
    const units = data.units.slice(0, n);
    const items = units.map((u, i) => ({ draft: draft(u.code, i), origin: `bench:${created.length}:${i}`, group: data.groups.find((g) => g.units.includes(u.code))!.code }));
    const tasks = await dispatch.create(items, admin, '日常督导', undefined, org);
    created.push(tasks.map((t) => ({ code: t.code, unit: t.leadUnit })));
  }
  await service.worker.drain(300_000);
  const batches = created.map((batch) =>
    batch.map(({ code, unit }) => {
      const chatId = data.units.find((u) => u.code === unit)!.chatId!;
      const msg = fake.messagesIn(chatId).find((m) => findButton(m.content, '签收')?.value?.c === code);
      if (!msg) throw new Error(`no unit card with 签收 for ${code} in ${chatId}`);
      return { code, openId: officialOf(unit).openId!, messageId: msg.message_id, chatId, value: findButton(msg.content, '签收')!.value as Record<string, unknown> };
    }),
  );
  const seedArgs = ['--count', String(o.openTasks), '--now', o.now.toISOString(), '--states', 'dispatched=10,in_progress=90', '--overdue', '0.3', '--due-soon', '0.3', '--back', '60', '--seed', '5'];
  const seeded = o.openTasks ? (await seedTasks(service.deps.models, org, parseSeedArgs(seedArgs))).inserted : 0;
  return { tasks: created.flat().length, seeded, batches };
}

function signedClick(fake: FakeFeishu, c: Click, now: Date) {
  return signRequest(fake.cardAction({ operatorOpenId: c.openId, value: c.value, openMessageId: c.messageId, openChatId: c.chatId, createTime: now.getTime() }), APP);
}

async function tally(service: Service, clicks: Click[], answers: Answer[]): Promise<Pick<ClickResult, 'updated' | 'holding' | 'errors' | 'appliedOnce'>> {
  let updated = 0;
  let holding = 0;
  let errors = 0;
  for (const a of answers) {
    const json = (() => {
      try {
        return JSON.parse(a.body) as { toast?: { type?: string }; card?: unknown };
      } catch {
        return {};
      }
    })();
    if (a.status !== 200 || json.toast?.type === 'error' || json.toast?.type === 'warning') errors++;
    else if (json.card) updated++;
    else if (json.toast?.type === 'info') holding++;
  }
  // the work behind a holding toast goes on after the answer: wait for it (up to 30 s) before counting
  let left = clicks;
  for (let tries = 0; tries < 30 && left.length; tries++) {
    if (tries) await new Promise((r) => setTimeout(r, 1000));
    const tasks = await Promise.all(left.map((c) => service.deps.tasks.get(c.code)));
    left = left.filter((_, i) => !(tasks[i]?.state === 'in_progress' && tasks[i]!.history.filter((h) => h.action === 'accept').length === 1));
    if (!holding) break;
  }
  return { updated, holding, errors, appliedOnce: clicks.length - left.length };
}

/** What a click phase posts with: the service, its port, the client, the command counter, the fake Feishu (it issues the card tokens). */
export interface ClickBench {
  service: Service;
  port: number;
  http: Poster;
  rt: RoundTrips;
  fake: FakeFeishu;
}

/** All the clicks at once (one connection each), as fresh callbacks. */
export async function clickPhase(b: ClickBench, clicks: Click[], now: Date): Promise<ClickResult> {
  const reqs = clicks.map((c) => signedClick(b.fake, c, now));
  b.rt.start();
  const load = await drive((r) => b.http.post(b.port, '/feishu/card', r), reqs, reqs.length);
  const counted = b.rt.stop(load.sent);
  return { sent: load.sent, p50: load.p50, p99: load.p99, max: load.max, ...counted, ...(await tally(b.service, clicks, load.answers)) };
}

/** 40 clicks at once while the reminders job runs over the open tasks. */
export async function mixedPhase(b: ClickBench, clicks: Click[], now: Date): Promise<{ clicks: ClickResult; jobMs: number; jobResult: string; clicksWithin: boolean }> {
  const t0 = performance.now();
  let jobEnd = 0;
  const job = b.service.runner.run('reminders', now, { trigger: 'manual', force: true, by: 'bench' }).then((r) => {
    jobEnd = performance.now();
    return r;
  });
  await new Promise((r) => setTimeout(r, 500)); // the job under way: planning, claiming, queueing
  const result = await clickPhase(b, clicks, now);
  const clicksEnd = performance.now();
  const run = await job;
  const figures = Object.entries(run.result ?? {}).map(([k, v]) => `${k} ${Array.isArray(v) ? v.length : typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  return { clicks: result, jobMs: jobEnd - t0, jobResult: `${run.status}${run.error ? ` (${run.error})` : ''}: ${figures.join(', ').slice(0, 200)}`, clicksWithin: clicksEnd <= jobEnd };
}
