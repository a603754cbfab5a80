import type { AuditNote, CodedStore, DocChange } from '../../src/app/coded-store';
import type { OutboxItem } from '../../src/app/outbox-item';
import { VISIT_QUIET_MS, type Visit } from '../../src/domain/visit';
import { endQuietVisits, visitQuietJob } from '../../src/features/visits/quiet';
import { visitCard } from '../../src/features/visits/card';
import { cardText } from '../../src/cards/inspect';
import { org } from '../fixtures/dispatch/org';

/** Two hours of quiet end a visit by itself (docs/rules.md#on-site-visits), on the business moment given (a fake clock). */
class MemoryStore implements CodedStore<Visit> {
  docs = new Map<string, Visit>();
  owed: OutboxItem[] = [];
  audits: AuditNote[] = [];
  async create(): Promise<{ doc: Visit; created: boolean }> {
    throw new Error('not used');
  }
  async get(code: string) {
    return this.docs.get(code) ?? null;
  }
  async list(_where: Record<string, string>, limit: number, offset: number) {
    const items = [...this.docs.values()].sort((a, b) => b.code.localeCompare(a.code));
    return { items: items.slice(offset, offset + limit), total: items.length };
  }
  async change<R>(code: string, fn: (doc: Visit) => DocChange<Visit, R> | Promise<DocChange<Visit, R>>): Promise<R | null> {
    const d = this.docs.get(code);
    if (!d) return null;
    const r = await fn(d);
    if (r.doc) this.docs.set(code, { ...r.doc, rev: d.rev + 1 });
    this.owed.push(...(r.owed ?? []));
    if (r.audit) this.audits.push(r.audit);
    return r.result;
  }
  async relayAll() {
    return 0;
  }
}

const T0 = new Date('2026-12-01T10:00:00+08:00');
const at = (ms: number) => new Date(T0.getTime() + ms);
const visit = (code: string, lastAt: Date, extra: Partial<Visit> = {}): Visit => ({ code, supervisor: 'P1', group: 'G1', mode: '暗访', chatId: 'oc_g1', messageId: `om_${code}`, openedAt: T0, lastAt, units: [], photos: [], findings: [], settled: [], milestones: [], rev: 1, ...extra });
const refresh = (v: Visit): OutboxItem => ({ key: `refresh-${v.code}-${v.rev + 1}`, kind: 'refresh', ref: `visit:${v.code}`, msgType: 'interactive', render: { card: 'visit', ref: `visit:${v.code}`, view: 'main' } });

describe('the visit-quiet job', () => {
  it('ends only the visits whose two hours of quiet have passed at the moment given, and updates their cards', async () => {
    const store = new MemoryStore();
    store.docs.set('XC-2026-001', visit('XC-2026-001', T0)); // quiet since T0
    store.docs.set('XC-2026-002', visit('XC-2026-002', at(60 * 60_000))); // a message an hour later
    store.docs.set('XC-2026-003', visit('XC-2026-003', T0, { endedAt: at(5 * 60_000), endedBy: 'button' }));

    expect(await endQuietVisits(store, at(VISIT_QUIET_MS - 1), refresh)).toEqual([]);
    expect(store.owed).toEqual([]);

    const job = visitQuietJob(store, refresh);
    const run = await job.run({ at: at(VISIT_QUIET_MS + 10 * 60_000), today: '2026-12-01', force: false, deps: {} as never });
    expect(run).toEqual({ ended: 1, visits: ['XC-2026-001'] });
    expect(store.docs.get('XC-2026-001')).toMatchObject({ endedAt: at(VISIT_QUIET_MS), endedBy: 'quiet' });
    expect(store.docs.get('XC-2026-002')?.endedAt).toBeUndefined();
    expect(store.docs.get('XC-2026-003')).toMatchObject({ endedBy: 'button' });
    expect(store.owed.map((o) => o.ref)).toEqual(['visit:XC-2026-001']);
    expect(store.audits[0]).toMatchObject({ action: 'visit.end', by: 'system' });

    // a second pass later ends the other one; nothing twice
    await job.run({ at: at(3 * 60 * 60_000), today: '2026-12-01', force: false, deps: {} as never });
    expect(store.owed.map((o) => o.ref)).toEqual(['visit:XC-2026-001', 'visit:XC-2026-002']);
  });

  it('the ended card says why and offers no more forms', () => {
    const v = visit('XC-2026-001', T0, { endedAt: at(VISIT_QUIET_MS), endedBy: 'quiet' });
    const card = visitCard(v, org, at(VISIT_QUIET_MS), 'Asia/Shanghai');
    expect(JSON.stringify(card)).toContain('已结束（2 小时无新内容）');
    expect(JSON.stringify(card)).not.toContain('"name":"settle_form"');
    const open = visitCard(visit('XC-2026-002', T0), org, at(60_000), 'Asia/Shanghai');
    expect(JSON.stringify(open)).toContain('进行中');
    expect(cardText(open)).toBeTruthy();
  });
});
