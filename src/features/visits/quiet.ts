import type { CodedStore } from '../../app/coded-store';
import type { JobDef } from '../../app/job';
import type { OutboxItem } from '../../app/notify';
import { visitClosesAt, type Visit } from '../../domain/visit';

/**
 * Two hours of quiet end a visit by itself (docs/rules.md#on-site-visits): the `visit-quiet` job, on the
 * business moment it is given, ends every visit whose quiet has passed and updates its card in place.
 * Visits are few; the newest VISITS_LOOKED_AT are read (an admin-sized scan, every few minutes).
 */
export const VISITS_LOOKED_AT = 200;

export async function endQuietVisits(store: CodedStore<Visit>, at: Date, refresh: (v: Visit) => OutboxItem): Promise<string[]> {
  const { items } = await store.list({}, VISITS_LOOKED_AT, 0);
  const ended: string[] = [];
  for (const candidate of items) {
    if (candidate.endedAt || visitClosesAt(candidate).getTime() > at.getTime()) continue;
    const code = await store.change(candidate.code, (v) => {
      if (v.endedAt || visitClosesAt(v).getTime() > at.getTime()) return { result: null }; // a message came in meanwhile
      const endedAt = visitClosesAt(v);
      return { doc: { ...v, endedAt, endedBy: 'quiet' as const }, owed: [refresh(v)], audit: { action: 'visit.end', by: 'system', note: '2 小时无新内容，自动结束' }, result: v.code };
    });
    if (code) ended.push(code);
  }
  return ended;
}

export function visitQuietJob(store: CodedStore<Visit>, refresh: (v: Visit) => OutboxItem): JobDef {
  return {
    name: 'visit-quiet',
    description: '现场督导 2 小时无新内容自动结束，督导卡片原地更新为已结束',
    async run(ctx) {
      ctx.lease?.check();
      const ended = await endQuietVisits(store, ctx.at, refresh);
      return { ended: ended.length, visits: ended };
    },
  };
}
