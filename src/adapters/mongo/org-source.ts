import type { OrgSource } from '../../app/deps';
import { Org } from '../../domain/org';
import type { Models } from './models';
import { machineNow } from '../../clock';

/** The organisation from MongoDB, cached for a few seconds (imports invalidate it; other instances catch up on expiry). */
export function mongoOrgSource(models: Models, ttlMs = 5000, now: () => number = machineNow): OrgSource {
  let cached: { org: Org; at: number } | undefined;
  let loading: Promise<Org> | undefined;
  return {
    async get() {
      if (cached && now() - cached.at < ttlMs) return cached.org;
      loading ??= (async () => {
        const [units, groups, people] = await Promise.all([models.units.find().lean(), models.groups.find().lean(), models.people.find().lean()]);
        const org = new Org({ units, groups, people } as never);
        cached = { org, at: now() };
        return org;
      })().finally(() => (loading = undefined));
      return loading;
    },
    invalidate() {
      cached = undefined;
    },
  };
}
