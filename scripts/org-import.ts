/**
 * Imports the organisation (docs/rules.md#the-organisation-file) into the database.
 *
 *   npm run org:import -- FILE [FILE…] [--dry-run] [--by NAME]
 *
 * FILE: one .yaml/.yml/.json with units/groups/people, one .xlsx workbook (sheets units/groups/people
 * or 单位/督导组/人员), or .csv tables (one table per file; several are imported together).
 * Database: MONGODB_URI, else the sandbox's FerretDB (see scripts/ferretdb.ts). Exit code 1 on a bad file.
 */
import os from 'node:os';
import { connectMongo } from '../src/adapters/mongo/connection';
import { Locks } from '../src/adapters/mongo/lock';
import { defineModels, ensureIndexes } from '../src/adapters/mongo/models';
import { formatImportReport, importOrg, OrgImportError, readOrgFiles, sandboxResolver, type ContactResolver } from '../src/org';
import { configOrExit } from '../src/config';
import { FeishuMessenger } from '../src/adapters/feishu/messenger';
import { feishuResolver } from '../src/app/feishu-resolver';
import { mongoForScripts } from '../src/adapters/mongo/ferretdb';

const USAGE = 'usage: npm run org:import -- FILE [FILE…] [--dry-run] [--by NAME]';

async function main(argv: string[]): Promise<number> {
  const files: string[] = [];
  let dryRun = false;
  let by = `cli:${os.userInfo().username}`;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--dry-run') dryRun = true;
    else if (arg === '--by' && argv[i + 1]) by = argv[++i];
    else if (arg.startsWith('-')) {
      console.error(arg === '--help' || arg === '-h' ? USAGE : `未知选项 unknown option ${arg}\n${USAGE}`);
      return 2;
    } else files.push(arg);
  }
  if (!files.length) {
    console.error(USAGE);
    return 2;
  }

  // with a Feishu app, mobiles and emails are resolved by the contact API (batch_get_id); in sandbox mode by a stable stand-in
  const config = configOrExit();
  const resolver: ContactResolver = config.feishu ? feishuResolver(new FeishuMessenger(config.feishu)) : sandboxResolver();

  const source = await readOrgFiles(files); // a bad file stops here, before any database work
  const db = await mongoForScripts();
  const conn = await connectMongo(db.uri);
  try {
    const models = defineModels(conn);
    await ensureIndexes(models);
    const report = await importOrg(models, new Locks(models.locks), source, { resolver, by, now: new Date(), dryRun });
    for (const line of formatImportReport(report)) console.log(line);
    return 0;
  } finally {
    await conn.close();
    await db.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof OrgImportError) console.error(e.message);
    else console.error(`组织架构导入出错 org import error: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
