import { connectMongo } from '../../src/adapters/mongo/connection';
import type { OutboxRow } from '../../src/app/outbox-item';
import type { Clock } from '../../src/clock';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { buildCore, type Core } from '../../src/main';
import { openTestDb } from '../support/db';
import { orgData } from '../support/factories';
import { cardText } from '../../src/cards/inspect';

/**
 * Reading the reminders job's messages back as short lines, so tests can compare whole sequences:
 * `梅山镇 DB-2026-0001 overdue 已超期 3 个工作日`, `letter 〔2026〕第1号 DB-2026-0001 → ou_off1h`.
 */
type Card = { header?: { title?: { content?: string }; subtitle?: { content?: string }; text_tag_list?: { text: { content: string } }[] } };

const SECTIONS: [RegExp, string][] = [
  [/已超期/, 'overdue'],
  [/即将到期/, 'due'],
  [/催签/, 'sign'],
];

/** The items of a daily digest card: code, section and the light reason of each line. */
export function digestItems(card: unknown): { code: string; kind: string; reason: string; unit?: string }[] {
  const out: { code: string; kind: string; reason: string; unit?: string }[] = [];
  let kind = '';
  const elements = ((card as { body?: { elements?: { tag: string; content?: string }[] } }).body?.elements ?? []).filter((e) => e.tag === 'markdown');
  for (const { content = '' } of elements) {
    const m = /(?:【([^【】\n]+)】)?\*\*(DB-\d{4}-\d+)\*\*[^\n]*\n截止 [^，]+，([^，\n]+(?:，进度落后 \d+ 个百分点)?)/.exec(content);
    if (m) out.push({ code: m[2], kind, reason: m[3], unit: m[1] });
    else kind = SECTIONS.find(([re]) => re.test(content))?.[1] ?? kind;
  }
  return out;
}

export function titleOf(card: unknown): string {
  return (card as Card).header?.title?.content ?? '';
}

/** One line per message: who gets what. */
export function describe(row: Pick<OutboxRow, 'to' | 'content' | 'urgentTo'>): string[] {
  const to = row.to?.id ?? '?';
  const card = row.content;
  const title = titleOf(card);
  if (title === '每日督办提醒') {
    const copy = (card as Card).header?.text_tag_list?.some((t) => t.text.content === '抄送督导组') ? 'cc ' : '';
    return digestItems(card).map((i) => `${to} ${copy}${i.unit ? `${i.unit} ` : ''}${i.code} ${i.kind} ${i.reason}`);
  }
  if (title === '督导提示函') {
    const text = cardText(card);
    const code = /（(DB-\d{4}-\d+)）/.exec(text)?.[1];
    return [`${to} letter ${(card as Card).header?.subtitle?.content} ${code}`];
  }
  if (title === '超期事项报告') return [`${to} leader ${(card as Card).header?.subtitle?.content}`];
  if (title === '督办周报') return [`${to} weekly ${(card as Card).header?.subtitle?.content}`];
  return [`${to} ${title || JSON.stringify(card).slice(0, 40)}`];
}

/** A day's overdue notice to the unit and its copy to the group, as lines. */
const overdue = (to: string, group: string, unit: string, code: string) => (day: string, n: number) => [`${day} ${to} ${code} overdue 已超期 ${n} 个工作日`, `${day} ${group} cc ${unit} ${code} overdue 已超期 ${n} 个工作日`];
const msz = overdue('oc_msz', 'oc_g1', '梅山镇', 'DB-2026-0001');
const ldz = overdue('ou_off3', 'oc_g2', '罗东镇', 'DB-2026-0002');

/**
 * The exact reminders of the National Day month (2026-09-14 … 10-20) for the two tasks both the db test
 * (test/db/reminders-month) and the end-to-end one (test/e2e/reminders-flow) dispatch: DB-2026-0001 to
 * 梅山镇 (紧急, due 09-30, a chat) and DB-2026-0002 to 罗东镇 (no chat: its 联络员 directly, due 10-09).
 */
export const NATIONAL_DAY_MONTH = {
  'DB-2026-0001': [
    '09-15 oc_msz DB-2026-0001 sign 剩 11 个工作日',
    '09-24 oc_msz DB-2026-0001 due 剩 3 个工作日',
    '09-29 oc_msz DB-2026-0001 due 剩 1 个工作日',
    '09-30 oc_msz DB-2026-0001 due 今日到期',
    ...msz('10-08', 1),
    ...msz('10-09', 2),
    ...msz('10-10', 3),
    '10-10 ou_off1h letter 〔2026〕第1号 DB-2026-0001', // the unit's 负责人
    '10-10 ou_sup1 letter 〔2026〕第1号 DB-2026-0001', // the group 组长
    ...msz('10-12', 4),
    ...msz('10-13', 5),
    ...msz('10-14', 6),
    ...msz('10-15', 7),
    '10-15 ou_leader leader DB-2026-0001',
    ...msz('10-16', 8),
    ...msz('10-19', 9),
    ...msz('10-20', 10),
  ],
  'DB-2026-0002': [
    '09-15 ou_off3 DB-2026-0002 sign 剩 13 个工作日',
    '09-16 ou_off3 DB-2026-0002 sign 剩 12 个工作日',
    '09-29 ou_off3 DB-2026-0002 due 剩 3 个工作日',
    '10-08 ou_off3 DB-2026-0002 due 剩 1 个工作日',
    '10-09 ou_off3 DB-2026-0002 due 今日到期',
    ...ldz('10-10', 1),
    ...ldz('10-12', 2),
    ...ldz('10-13', 3),
    '10-13 ou_off3 letter 〔2026〕第2号 DB-2026-0002', // the 联络员 (罗东镇 has no 负责人 with an open_id)
    '10-13 ou_sup2 letter 〔2026〕第2号 DB-2026-0002',
    ...ldz('10-14', 4),
    ...ldz('10-15', 5),
    ...ldz('10-16', 6),
    ...ldz('10-19', 7),
    '10-19 ou_leader2 leader DB-2026-0002',
    ...ldz('10-20', 8),
  ],
};

/** Two service cores (two instances) on one fresh FerretDB database with the test organisation; `close` drops it. */
export async function twoInstances(name: string, clock: Clock): Promise<{ a: Core; b: Core; close: () => Promise<void> }> {
  const db = await openTestDb(name);
  const config = loadConfig({ LOG_LEVEL: 'silent' });
  const a = await buildCore(config, { conn: db.conn, log: createLogger('silent'), clock });
  const conn2 = await connectMongo(db.uri, db.dbName);
  const b = await buildCore(config, { conn: conn2, log: createLogger('silent'), clock });
  await a.deps.models.units.insertMany(orgData.units);
  await a.deps.models.groups.insertMany(orgData.groups);
  await a.deps.models.people.insertMany(orgData.people);
  return {
    a,
    b,
    close: async () => {
      await conn2.close();
      await db.drop();
    },
  };
}
