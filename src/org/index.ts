/** Organisation import/export (docs/rules.md#the-organisation-file). */
export { OrgImportError, formatProblem, type Problem, type Where } from './problems';
export { parseOrg, readOrgFile, readOrgFiles } from './read';
export { mergeSources, type ParsedOrg, type TableName } from './source';
export { validateOrg, type ValidOrg } from './validate';
export { importOrg, IMPORT_LOCK, type ImportOptions, type ImportReport, type UnresolvedPerson } from './import';
export { exportOrg, loadOrg, loadOrgData, orgToYaml } from './export';
export { formatImportReport, summaryLine } from './report';
export { sandboxResolver, contactKey, type ContactResolver, type ContactQuery } from './resolver';
export type { OrgFile, FileRole, FileUnit, FileGroup, FilePerson, UnitIn, GroupIn, PersonIn } from './schema';
