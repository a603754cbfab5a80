import type { Feature } from '../../app/feature';
import { weeklyDigestJob } from './job';

/** The weekly digest: each group's open tasks by unit and light, on the week's first workday (job.ts). */
export function weeklyDigestFeature(): Feature {
  return { name: 'weekly-digest', jobs: [weeklyDigestJob()] };
}
