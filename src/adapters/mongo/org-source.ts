import type { OrgSource } from '../../app/deps';
import { Org } from '../../domain/org';
import type { Models } from './models';
import { machineNow } from '../../clock';

/** The counters document every organisation import bumps: other instances reload when it changes. */
export const ORG_VERSION_ID = 'org:version';

/** Bumps the organisation's version stamp (after an import's writes, under the import lock). */
export async function bumpOrgVersion(models: Pick<Models, 'counters'>): Promise<void> {
  await models.counters.updateOne({ _id: ORG_VERSION_ID }, { $inc: { seq: 1 } }, { upsert: true });
}

export interface OrgSourceOptions {
  /** How often the version stamp is read (one document by `_id`), ms. */
  checkMs?: number;
  /** A full reload at least this often even when the stamp did not move (an edit that bypassed the import), ms. */
  reloadMs?: number;
  now?: () => number;
}

/**
 * The organisation from MongoDB as an in-memory snapshot (docs/architecture.md#the-hot-path): loaded once,
 * dropped by `invalidate` (this instance's import), and reloaded when the version stamp other instances'
 * imports bump has moved — read by `_id` at most every `checkMs`, in the background while the snapshot in
 * hand answers — or after `reloadMs` at the latest. Never a query per event.
 */
export function mongoOrgSource(models: Pick<Models, 'units' | 'groups' | 'people' | 'counters'>, opts: OrgSourceOptions = {}): OrgSource {
  const { checkMs = 3000, reloadMs = 60_000, now = machineNow } = opts;
  let cached: { org: Org; version: number; loadedAt: number } | undefined;
  let checkedAt = 0;
  let loading: Promise<Org> | undefined;
  let checking = false;
  let generation = 0; // an invalidate makes a load begun before it not count
  const version = async () => (await models.counters.findById(ORG_VERSION_ID).lean<{ seq?: number }>())?.seq ?? 0;
  const load = (): Promise<Org> => {
    const gen = generation;
    const p = (loading ??= (async () => {
      const started = now();
      const v = await version(); // the stamp first: an import between the two reads only causes one more reload
      const [units, groups, people] = await Promise.all([models.units.find().lean(), models.groups.find().lean(), models.people.find().lean()]);
      const org = new Org({ units, groups, people } as never);
      if (gen === generation) cached = { org, version: v, loadedAt: started };
      checkedAt = started;
      return org;
    })().finally(() => {
      if (loading === p) loading = undefined;
    }));
    return p;
  };
  const check = async (): Promise<void> => {
    checking = true;
    checkedAt = now();
    try {
      const held = cached;
      if (held && (now() - held.loadedAt >= reloadMs || (await version()) !== held.version)) await load();
    } finally {
      checking = false;
    }
  };
  return {
    async get() {
      if (!cached) return load();
      if (!checking && !loading && now() - checkedAt >= checkMs) void check().catch(() => undefined); // the next check tries again
      return cached.org;
    },
    invalidate() {
      generation += 1;
      cached = undefined;
      loading = undefined;
    },
  };
}
