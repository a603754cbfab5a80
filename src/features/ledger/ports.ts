/** What the 台账 feature needs stored (docs/architecture.md#the-ledger); src/adapters/mongo/ledger-store.ts implements it. */
export interface LedgerTemplateInfo {
  name: string;
  size: number;
  sha256: string;
  uploadedAt: Date;
  uploadedBy: string;
}

export interface LedgerStore {
  /** The office's uploaded template, or null (the built-in one is used). */
  template(): Promise<(LedgerTemplateInfo & { bytes: Buffer }) | null>;
  /** Replaces the template, with its audit entry in the record. */
  saveTemplate(t: LedgerTemplateInfo & { bytes: Buffer }): Promise<void>;
  /** Goes back to the built-in template; false when none was uploaded. */
  removeTemplate(by: string, at: Date): Promise<boolean>;
}
