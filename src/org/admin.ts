import type { Models } from '../adapters/mongo/models';
import type { Clock } from '../clock';
import type { Locks } from '../app/ports/locks';
import type { OrgAdmin } from '../features/org/ports';
import { exportOrg } from './export';
import { importOrg } from './import';
import { formatProblem, OrgImportError } from './problems';
import { parseOrg } from './read';
import type { ContactResolver } from './resolver';

/** The org feature's port on the stored organisation: export, and the import through the file readers. */
export function orgAdmin(o: { models: Models; locks: Locks; clock: Clock; resolver: () => ContactResolver | undefined }): OrgAdmin {
  return {
    export: () => exportOrg(o.models),
    async import(file, filename, { dryRun, by }) {
      try {
        const src = await parseOrg(file, filename);
        return { ok: true, report: await importOrg(o.models, o.locks, src, { resolver: o.resolver(), by, now: o.clock.now(), dryRun }) };
      } catch (e) {
        if (e instanceof OrgImportError) return { ok: false, message: e.message, problems: e.problems.map(formatProblem) };
        throw e;
      }
    },
  };
}
