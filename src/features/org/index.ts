import { z } from 'zod';
import type { AppDeps } from '../../app/deps';
import { RouteError, type Feature, type RouteDef, type RouteRequest } from '../../app/feature';
import type { OrgAdmin } from './ports';

/**
 * The organisation (docs/rules.md#the-organisation-file) on the admin API: `GET /api/org` exports it,
 * `POST /api/org/import` imports a file all or nothing (a 422 lists every problem) and drops the cached
 * organisation (`deps.orgs`), so the next message sees the new one.
 */
const orgImportJson = z
  .object({
    filename: z.string().min(1).max(200).describe('org.yaml, org.json, org.csv or org.xlsx: the ending names the format'),
    content: z.string().optional().describe('the file as text (yaml, json, csv)'),
    contentBase64: z.string().optional().describe('the file in base64 (xlsx)'),
    dryRun: z.boolean().optional().describe('check and report, change nothing'),
  })
  .strict()
  .refine((b) => b.content !== undefined || b.contentBase64 !== undefined, 'give content (text) or contentBase64 (xlsx)');
const orgImportQuery = z.object({
  filename: z.string().optional().describe('with a raw upload: the file name, whose ending names the format'),
  dryRun: z.enum(['true', 'false']).optional(),
  dry_run: z.enum(['true', 'false']).optional(),
});
type ImportQuery = z.infer<typeof orgImportQuery>;

export function orgFeature(deps: AppDeps, admin: OrgAdmin): Feature {
  const exportRoute: RouteDef = {
    method: 'get',
    path: '/org',
    doc: { summary: 'The organisation (units, groups, people) as stored' },
    handle: async () => ({ body: await admin.export() }),
  };
  const importRoute: RouteDef<ImportQuery> = {
    method: 'post',
    path: '/org/import',
    doc: {
      summary: 'Import the organisation (all or nothing; a 422 lists every problem)',
      description: 'Either JSON `{filename, content | contentBase64, dryRun?}`, or the file itself as the body with `?filename=org.yaml|.json|.csv|.xlsx`. Answers the import report.',
      query: orgImportQuery,
      uploads: { 'application/json': { schema: orgImportJson, description: 'the file inside JSON' }, 'application/octet-stream': { description: 'the file itself; name it with ?filename=' } },
    },
    async handle(req) {
      const { buffer, filename, dryRun } = importInput(req);
      const r = await admin.import(buffer, filename, { dryRun, by: 'api' });
      if (!r.ok) throw new RouteError(422, 'invalid_org', r.message, r.problems);
      deps.orgs.invalidate();
      return { body: r.report };
    },
  };
  return { name: 'org', routes: [exportRoute, importRoute as RouteDef] };
}

/** The file: inside JSON (`content` or `contentBase64`), or the body itself named by `?filename=`. */
function importInput(req: RouteRequest<ImportQuery>): { buffer: Buffer; filename: string; dryRun: boolean } {
  const dryRun = req.query.dryRun === 'true' || req.query.dry_run === 'true';
  if (/json/.test(req.contentType)) {
    const body = parseJson(req.raw);
    const buffer = body.contentBase64 !== undefined ? Buffer.from(body.contentBase64, 'base64') : Buffer.from(body.content!, 'utf8');
    return { buffer, filename: body.filename, dryRun: dryRun || Boolean(body.dryRun) };
  }
  if (!req.query.filename) throw new RouteError(400, 'missing_filename', 'send JSON {filename, content} or the file itself with ?filename=org.yaml|.json|.csv|.xlsx');
  return { buffer: req.raw ?? Buffer.alloc(0), filename: req.query.filename, dryRun };
}

function parseJson(raw: Buffer | undefined): z.infer<typeof orgImportJson> {
  let value: unknown = {};
  if (raw?.length) {
    try {
      value = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new RouteError(400, 'bad_json', 'the body is not valid JSON');
    }
  }
  const r = orgImportJson.safeParse(value);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new RouteError(400, 'invalid_body', `${i.path.join('.') || 'body'}: ${i.message}`);
  }
  return r.data;
}
