import type { Feature, ReportSections } from '../../app/feature';
import { weeklyDigestJob } from './job';

/** The weekly digest: each group's open tasks by unit and light, on the week's first workday (job.ts). */
/** `sections`: the features' sections (the projects'), asked per group without importing them. */
export function weeklyDigestFeature(sections?: ReportSections): Feature {
  return { name: 'weekly-digest', jobs: [weeklyDigestJob(sections)] };
}
