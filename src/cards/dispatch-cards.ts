import { PRIORITIES } from '../domain/task';
import type { LocalDate } from '../domain/time';
import { cardValue } from './actions';
import { cut, summaryText } from './common';
import { renderCard, type Card } from './template';

/** The dispatch preview (派单预览: 确认派发 / 取消) and the dispatch form (派单 alone: 派发). docs/rules.md#the-form-the-preview-and-the-order. */

export interface PreviewTask {
  ref: string; // where it came from in the paste (block / row), for the parser's messages
  title: string;
  leadUnitName: string;
  coUnitNames: string[];
  deadline: LocalDate;
  priority: string;
  category: string;
  content: string;
}

export interface DispatchPreviewInput {
  previewId: string;
  tasks: PreviewTask[];
  dispatcherName: string;
  groupName: string;
  state: 'pending' | 'confirmed' | 'cancelled';
  /** The codes created, once confirmed. */
  codes?: string[];
}

/** Tasks listed one by one; beyond this the card says how many more (a card holds 30 KB / 200 elements). */
export const PREVIEW_MAX_LISTED = 40;

export function dispatchPreviewCard(input: DispatchPreviewInput): Card {
  const n = input.tasks.length;
  const compact = n > 20;
  const listed = input.tasks.slice(0, PREVIEW_MAX_LISTED);
  const state = input.state;
  const codes = input.codes ?? [];
  const codesText = codes.length > 30 ? `${codes.slice(0, 30).join('、')} 等 ${codes.length} 项` : codes.join('、') || '—';
  const summaries = { pending: `派单预览：${n} 项待确认`, confirmed: `已派发 ${codes.length || n} 项督办事项`, cancelled: '派单已取消' };
  return renderCard('dispatch-preview', {
    summary: summaryText(`${summaries[state]}｜${input.tasks[0]?.title ?? ''}`),
    groupName: input.groupName,
    dispatcherName: input.dispatcherName,
    count: n,
    color: state === 'pending' ? 'blue' : state === 'confirmed' ? 'green' : 'grey',
    pending: state === 'pending',
    confirmed: state === 'confirmed',
    cancelled: state === 'cancelled',
    tasks: listed.map((t, i) => ({
      no: i + 1,
      title: cut(t.title, compact ? 40 : 80, true),
      lead: cut(t.leadUnitName, 30, true),
      co: cut(t.coUnitNames.join('、'), 80, true) || '无',
      deadline: t.deadline,
      priority: t.priority,
      category: t.category,
      content: cut(t.content, compact ? 30 : 120, true) || '（未填写）',
    })),
    hidden: Math.max(0, n - listed.length),
    codes: codesText,
    values: { confirm: cardValue('dispatch.confirm', { p: input.previewId }), cancel: cardValue('dispatch.cancel', { p: input.previewId }) },
  });
}

export const DISPATCH_FIELDS = ['title', 'unit', 'co_units', 'deadline', 'content', 'priority', 'category'] as const;
export type DispatchField = (typeof DISPATCH_FIELDS)[number];

export interface DispatchFormInput {
  /** The units this dispatcher may send to (the group's units). */
  units: { code: string; name: string }[];
  categories: string[];
  today: LocalDate;
  /** Shown in red on top when the form comes back after a bad submit. */
  error?: string;
  /** The values to fill in again (form_value as it came back). */
  values?: Partial<Record<DispatchField, string | string[]>>;
}

/**
 * Above this many option texts the co-unit multi-select becomes a text input with the same name
 * (`co_units`, unit names separated by 、): the unit select and co-unit select both list every unit and
 * Feishu caps a card at 200 elements.
 */
export const MAX_FORM_OPTIONS = 150;

export function dispatchFormCard(input: DispatchFormInput): Card {
  const v = input.values ?? {};
  const str = (k: DispatchField): string | null => {
    const x = v[k];
    return typeof x === 'string' && x.trim() ? x : null;
  };
  const codes = new Set(input.units.map((u) => u.code));
  const co = v.co_units;
  const coList = Array.isArray(co) ? co : typeof co === 'string' && co.trim() ? co.split(/[、，,；;\s]+/).filter(Boolean) : [];
  const coUnitSelect = input.units.length * 2 + input.categories.length <= MAX_FORM_OPTIONS;
  const unit = str('unit');
  const priority = str('priority');
  const category = str('category');
  const deadline = str('deadline');
  return renderCard('dispatch-form', {
    error: input.error ? cut(input.error, 300) : null,
    today: input.today,
    units: input.units.map((u) => ({ code: u.code, name: cut(u.name, 40, true) })),
    priorities: [...PRIORITIES],
    categories: input.categories,
    coUnitSelect,
    coUnitText: !coUnitSelect,
    submit: cardValue('dispatch.submit'),
    values: {
      title: str('title'),
      unit: unit && codes.has(unit) ? unit : null,
      co_units: coList.filter((c) => codes.has(c)),
      coUnitsText: coList.length ? coList.map((c) => input.units.find((u) => u.code === c)?.name ?? c).join('、') : null,
      // the picker answers "2026-12-15 +0800"; it takes back only the date
      deadline: deadline && /^\d{4}-\d{2}-\d{2}/.test(deadline) ? deadline.slice(0, 10) : null,
      content: str('content'),
      priority: priority && (PRIORITIES as readonly string[]).includes(priority) ? priority : '一般',
      category: category && input.categories.includes(category) ? category : null,
    },
  });
}
