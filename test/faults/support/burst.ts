import type { Connection } from 'mongoose';
import type { FakeFeishu } from '../../fake-feishu';
import { FeishuPusher, repliesByMessage, type PushStats, type PushTarget, type Pushed } from './feishu-pusher';

/**
 * A burst of Feishu events whose effects can be counted, for the fault tests of the exactly-once
 * guarantees (docs/architecture.md): officials and supervisors write 帮助 to the bot (applied = its one
 * reply, read from the fake Feishu) and lead officials report progress on open tasks, each report with
 * a text of its own (`进度 DB-2026-0007 40% 第12条…`; applied = that text among the task's reports, read
 * from the database). Events are delivered, and redelivered when not answered 200, by a FeishuPusher.
 */
export interface BurstEvent {
  kind: 'help' | 'progress';
  /** Its deliveries: one, or copies (the same event id, signed afresh) delivered side by side. */
  copies: Pushed[];
  code?: string;
  text?: string;
  env: ReturnType<FakeFeishu['userMessage']>;
}

export interface BurstVerdict {
  push: PushStats;
  help: number;
  progress: number;
  /** each applied once */
  applied: number;
  /** applied more than once */
  twice: string[];
  /** acknowledged (200) at some delivery, not applied */
  lost: string[];
  /** never acknowledged and not applied (Feishu gave up) */
  notApplied: string[];
}

const HELPERS = ['ou_sup1', 'ou_sup1b', 'ou_sup2', 'ou_sup0', 'ou_admin', 'ou_leader'];

/** The official who reports on a unit's tasks (units without one are left out). */
const REPORTER: Record<string, string[]> = { MSZ: ['ou_off1', 'ou_off1h'], ZJJ: ['ou_off2'], LDZ: ['ou_off3'] };

export class Burst {
  readonly events: BurstEvent[] = [];
  private readonly tasks: { code: string; openIds: string[] }[];
  private nextTask = 0;

  constructor(
    readonly pusher: FeishuPusher,
    private readonly target: PushTarget,
    tasks: { code: string; leadUnit: string }[],
  ) {
    this.tasks = tasks.filter((t) => REPORTER[t.leadUnit]).map((t) => ({ code: t.code, openIds: REPORTER[t.leadUnit] }));
  }

  /**
   * The i-th event of the burst, delivered `copies` times side by side: every third a 帮助, the others a
   * progress report on the next task in turn.
   */
  send(i: number, copies = 1): BurstEvent {
    const { fake, clock } = this.target;
    const help = i % 3 === 0 || !this.tasks.length;
    const t = help ? undefined : this.tasks[this.nextTask++ % this.tasks.length];
    const openId = t ? t.openIds[i % t.openIds.length] : HELPERS[Math.floor(i / 3) % HELPERS.length];
    const text = `第${i}条 燕尾巷排水改造推进`;
    const env = fake.userMessage({ senderOpenId: openId, chatType: 'p2p', chatId: fake.p2pChatOf(openId), text: t ? `进度 ${t.code} ${(i % 10) * 10}% ${text}` : '帮助', mentions: [], createTime: clock.now().getTime() });
    const e: BurstEvent = { kind: t ? 'progress' : 'help', copies: [], code: t?.code, text: t ? text : undefined, env };
    for (let c = 0; c < copies; c++) e.copies.push(this.pusher.push(env));
    this.events.push(e);
    return e;
  }

  /** Feishu delivers an event once more (it may, even after a 200). */
  again(e: BurstEvent): Pushed {
    const p = this.pusher.push(e.env);
    e.copies.push(p);
    return p;
  }

  /** What the bot said in reply to a message (for a failure's message). */
  private answersTo(p: Pushed): string {
    const said = this.target.fake.messagesIn(p.chatId).filter((m) => m.fromBot && (m as { parent_id?: string }).parent_id === p.messageId);
    return said.map((m) => JSON.stringify(m.content).slice(0, 120)).join(' / ') || 'nothing';
  }

  /** How many times each event was applied, read from the fake Feishu (replies) and the database (reports). */
  async verdict(conn: Connection): Promise<BurstVerdict> {
    const replies = repliesByMessage({ fake: this.target.fake as FakeFeishu }, this.events.filter((e) => e.kind === 'help').map((e) => e.copies[0]));
    const codes = [...new Set(this.events.map((e) => e.code).filter((c): c is string => !!c))];
    const docs = await conn.collection<{ _id: string; reports?: { content?: string }[] }>('tasks').find({ _id: { $in: codes } }).toArray();
    const reports = new Map<string, number>();
    for (const d of docs) for (const r of d.reports ?? []) reports.set(`${d._id} ${r.content}`, (reports.get(`${d._id} ${r.content}`) ?? 0) + 1);
    const out: BurstVerdict = { push: this.pusher.stats(), help: 0, progress: 0, applied: 0, twice: [], lost: [], notApplied: [] };
    for (const e of this.events) {
      out[e.kind]++;
      const first = e.copies[0];
      const n = e.kind === 'help' ? (replies.get(first.messageId) ?? 0) : (reports.get(`${e.code} ${e.text}`) ?? 0);
      const name = `${e.kind} ${first.eventId} ${e.code ?? first.chatId}: ${e.copies.map((p) => p.attempts.join(',')).join(' | ')}`;
      if (n === 1) out.applied++;
      else if (n > 1) out.twice.push(`${name} ×${n}`);
      else if (e.copies.some((p) => p.acked)) out.lost.push(`${name} — answered: ${this.answersTo(first)}`);
      else out.notApplied.push(name);
    }
    return out;
  }
}

/**
 * Every event applied exactly once: none of those acknowledged (200) lost, none applied twice. Each of
 * these once failed here and was closed in src/app/bot.ts (docs/architecture.md#the-hot-path):
 * - a handler failing on a sick database was answered 200: now its event is answered with an error (its
 *   claims kept for the redelivery) or, once answered, retried in process;
 * - a change written before its claim was marked done was applied again by the takeover: a progress
 *   report keeps its message id and is recorded once;
 * - a claim withdrawn by one delivery was read back as done by another (and by the previous release):
 *   withdrawn claims stay 'processing', marked withdrawn, and are taken over.
 * The gaps are printed before the assertion, so a failure says which events and how they were answered.
 */
export function expectExactlyOnce(name: string, v: BurstVerdict): void {
  if (v.lost.length || v.twice.length) {
    const gaps = [...v.lost.map((l) => `lost: ${l}`), ...v.twice.map((t) => `twice: ${t}`)];
    process.stdout.write(`GAP ${name}: ${v.lost.length} acknowledged events not applied, ${v.twice.length} applied twice:\n  ${gaps.slice(0, 20).join('\n  ')}\n`);
  }
  expect({ lost: v.lost, twice: v.twice }).toEqual({ lost: [], twice: [] });
  expect(v.applied).toBe(v.help + v.progress);
}
