import { cardValue } from '../../cards/actions';
import { cut, summaryText } from '../../cards/common';
import { renderCard, type Card } from '../../cards/template';
import type { ProjectForm } from '../../domain/project-text';

/**
 * The 立项 form card (cards/project-form.json): name, category, lead and other units, group, leader and
 * up to PROJECT_FORM_MILESTONES milestones (date + 形象进度). Its fields are read by readProjectForm and
 * checked by the same rules as the pasted `立项` lines (docs/rules.md#projects).
 */
export const PROJECT_FORM_MILESTONES = 6;
export const PROJECT_FORM_FIELDS = {
  deadline: (i: number) => `deadline_${i}`,
  progress: (i: number) => `progress_${i}`,
};

const text = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : Array.isArray(v) ? v.map(text).join('、') : '');

/** A Feishu date picker's value (`2026-12-31 +0800`, `2026-12-31`) → the day; anything else as written. */
function dayOf(v: unknown): string {
  const t = text(v).trim();
  const m = /^(\d{4}-\d{2}-\d{2})(?:[ T].*)?$/.exec(t);
  return m ? m[1] : t;
}

/** What the form sent → the form's fields, as the user gave them (the checks come after). */
export function readProjectForm(form: Record<string, unknown>): ProjectForm {
  return {
    name: text(form.name),
    category: text(form.category),
    leadUnit: text(form.lead_unit),
    coUnits: text(form.co_units),
    group: text(form.group),
    leader: text(form.leader),
    milestones: Array.from({ length: PROJECT_FORM_MILESTONES }, (_, i) => ({ date: dayOf(form[PROJECT_FORM_FIELDS.deadline(i)]), label: text(form[PROJECT_FORM_FIELDS.progress(i)]) })),
  };
}

export interface ProjectFormView {
  formId: string;
  categories: string[];
  groups: { code: string; name: string }[];
  /** What was submitted, shown again with the problems so nothing typed is lost. */
  values?: ProjectForm;
  error?: string;
}

export function projectFormCard(o: ProjectFormView): Card {
  const v = o.values;
  const orNull = (s: string | undefined) => (s && s.trim() ? s : null);
  const group = orNull(v?.group) ?? (o.groups.length === 1 ? o.groups[0].code : null);
  const category = orNull(v?.category) ?? (o.categories.includes('重点项目') ? '重点项目' : null);
  return renderCard('project-form', {
    summary: summaryText('立项：填写项目和节点'),
    error: o.error ? cut(o.error, 600) : null,
    categories: o.categories.map((name) => ({ name })),
    groups: o.groups,
    v: { name: orNull(v?.name), category: category && o.categories.includes(category) ? category : null, leadUnit: orNull(v?.leadUnit), coUnits: orNull(v?.coUnits), group: group && o.groups.some((g) => g.code === group) ? group : null, leader: orNull(v?.leader) },
    milestones: Array.from({ length: PROJECT_FORM_MILESTONES }, (_, i) => {
      const m = v?.milestones[i];
      return { no: i + 1, deadline: PROJECT_FORM_FIELDS.deadline(i), progress: PROJECT_FORM_FIELDS.progress(i), date: m && /^\d{4}-\d{2}-\d{2}$/.test(m.date) ? m.date : null, label: orNull(m?.label) };
    }),
    submit: cardValue('project.open', { m: o.formId }),
  });
}
