import type { AppDeps } from '../../app/deps';
import type { Preview } from '../../app/ports/previews';
import type { Card } from '../../app/views';
import { dispatchFormCard, dispatchPreviewCard } from '../../cards';
import type { Person } from '../../domain/org';
import { dispatchScope } from '../../domain/permissions';
import { localDate } from '../../domain/time';

/** The dispatch's cards from current data: the preview (a live card, `preview:ID`) and the form (派单 alone). */
export class DispatchCards {
  constructor(private readonly deps: AppDeps) {}

  async preview(p: Preview): Promise<Card> {
    const org = await this.deps.orgs.get();
    return dispatchPreviewCard({
      previewId: p._id,
      tasks: p.drafts.map((d) => ({ ref: d.ref, title: d.title, leadUnitName: org.unitName(d.leadUnit), coUnitNames: d.coUnits.map((u) => org.unitName(u)), deadline: d.deadline, priority: d.priority, category: d.categoryLabel ?? d.category, content: d.content })),
      dispatcherName: org.personName(p.dispatcher),
      groupName: org.group(p.group)?.name ?? p.group,
      state: p.state,
      codes: p.codes,
    });
  }

  async form(p: Person, opts: { error?: string; values?: Record<string, unknown> } = {}): Promise<Card> {
    const org = await this.deps.orgs.get();
    const scope = dispatchScope(p, org);
    const units = (scope?.units ?? []).map((c) => ({ code: c, name: org.unitName(c) }));
    const today = localDate(this.deps.clock.now(), this.deps.settings.tz);
    return dispatchFormCard({ units, categories: this.deps.settings.categories, today, error: opts.error, values: formValues(opts.values) });
  }
}

/** The dispatch form's values as they came back, to fill in again: text fields and multi-selects. */
function formValues(v: Record<string, unknown> = {}): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, x] of Object.entries(v)) {
    if (typeof x === 'string') out[k] = x;
    else if (Array.isArray(x) && x.every((e): e is string => typeof e === 'string')) out[k] = x;
  }
  return out;
}
