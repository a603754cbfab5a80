/** What the org feature needs from storage and the file readers (implemented in src/org/admin.ts). */
export interface OrgAdmin {
  /** The organisation as stored (units, groups, people), in the organisation file's shape. */
  export(): Promise<unknown>;
  /**
   * Reads the file (its name's ending names the format) and imports it all or nothing; `dryRun` checks
   * and reports, changing nothing. Refused: every problem, each with its place in the file.
   */
  import(file: Buffer, filename: string, opts: { dryRun: boolean; by: string }): Promise<{ ok: true; report: unknown } | { ok: false; message: string; problems: string[] }>;
}
