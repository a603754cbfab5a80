import type { LocalDate } from '../domain/time';
import { cnDate, cut, HEADER_TEMPLATES, summaryText, type HeaderTemplate } from './common';
import { renderCard, type Card } from './template';

/** Cards that only tell: 帮助, 通报 (表扬 / 批评), and a small generic notice. */

export interface HelpInput {
  /** The person's name, or how to address an unregistered one. */
  name: string;
  /** Role words such as `第一专项督导组 组长`; empty for someone the organisation file does not know. */
  roles: string[];
  commands: { command: string; what: string; example: string }[];
  /** Shown so an unregistered person can send it to an admin (docs/rules.md#roles-and-permissions). */
  openId?: string;
}

const HELP_MAX = 32;

export function helpCard(input: HelpInput): Card {
  const known = input.roles.length > 0;
  return renderCard('help', {
    name: input.name,
    known,
    unknown: !known,
    roles: input.roles.join('、'),
    openId: input.openId ?? null,
    commands: input.commands.slice(0, HELP_MAX).map((c) => ({ command: c.command, what: cut(c.what, 120), example: cut(c.example, 200) })),
  });
}

export interface BulletinInput {
  kind: '表扬' | '批评';
  title: string;
  body: string;
  items: { code?: string; unitName: string; text: string }[];
  publisher: string;
  date: LocalDate;
}

const BULLETIN_MAX = 30;

export function bulletinCard(input: BulletinInput): Card {
  const praise = input.kind === '表扬';
  const items = input.items.slice(0, BULLETIN_MAX);
  return renderCard('bulletin', {
    summary: summaryText(`通报${input.kind}：${input.title}`),
    color: praise ? 'green' : 'red',
    praise,
    criticism: !praise,
    title: cut(input.title, 100, true),
    body: cut(input.body, 3000),
    items: items.map((i, n) => ({ no: n + 1, unitName: i.unitName, text: cut(i.text, 300), ref: i.code ? `（${i.code}）` : '' })),
    hidden: input.items.length - items.length,
    publisher: input.publisher,
    date: input.date,
    dateText: cnDate(input.date),
  });
}

export interface NoticeInput {
  title: string;
  text: string;
  color?: HeaderTemplate;
}

export function noticeCard(input: NoticeInput): Card {
  const color = input.color && (HEADER_TEMPLATES as readonly string[]).includes(input.color) ? input.color : 'blue';
  return renderCard('notice', {
    summary: summaryText(`${input.title}：${input.text}`),
    title: cut(input.title, 60, true),
    text: cut(input.text, 3000),
    color,
  });
}
