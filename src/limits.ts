/**
 * Input limits, in one place. Every parser, importer and form checks its input against this table
 * *before* doing any work on it, and a refusal names the limit and the value met
 * (`limitError`). The README's "Limits" table lists the same figures; change both together.
 *
 * Why these numbers: Feishu itself caps a text message at 150 KB and a file at 30 MB; the rest are
 * generous for real notices (a long 督办通知 has 30–80 items of a few hundred characters) and small
 * enough that the worst input still parses in a few milliseconds.
 */
export const LIMITS = {
  /** A chat message's text, after the envelope is decoded (Feishu's own cap is 150 KB). */
  messageChars: 150_000,
  /** A 派单 paste (or any multi-item order text). */
  dispatchChars: 64_000,
  /** Items in one dispatch order. */
  dispatchItems: 200,
  /** A task title. */
  titleChars: 100,
  /** A 完成时限 as written, stage dates included. */
  deadlineChars: 500,
  /** A task's requirement (工作要求). */
  requirementChars: 2_000,
  /** A progress note, a reason (退回, 延期, 提级, 撤销, 申诉), a decision or an instruction. */
  noteChars: 2_000,
  /** Units named in one item (lead + co-units). */
  unitsPerItem: 30,
  /** One unit's name as written in a dispatch (the longest real full names are about 20 characters). */
  unitNameChars: 50,
  /** History entries kept embedded in a task; older ones move to their own collection. */
  historyEmbedded: 100,
  /** An uploaded or downloaded file (Feishu's own file cap is 30 MB). */
  fileBytes: 30 * 1024 * 1024,
  /** An admin API request body that is not a file upload. */
  jsonBodyBytes: 1024 * 1024,
  /** Rows of one sheet in an imported workbook. */
  sheetRows: 20_000,
  /** Columns of one sheet in an imported workbook. */
  sheetColumns: 100,
  /** Total inflated size of an archive (XLSX, DOCX are ZIP files). */
  archiveInflatedBytes: 100 * 1024 * 1024,
  /** Pages of a PDF read for text. */
  pdfPages: 200,
  /** A 立项 text. */
  projectChars: 8_000,
  /** A meeting's topic (专题协调会 议题). */
  topicChars: 100,
  /** A meeting's attendees as written. */
  attendeesChars: 500,
  /** A 重大事项报告's or a 亮点's title. */
  reportTitleChars: 40,
  /** Milestones (节点) of one project. */
  projectMilestones: 30,
  /** Photos and findings recorded in one on-site visit. */
  visitItems: 200,
  /** An uploaded 台账 template (XLSX, kept in the database; the admin API's body cap is 1 MB too). */
  templateBytes: 1024 * 1024,
} as const;

export type LimitName = keyof typeof LIMITS;

/** Words for each limit, for refusals: "派单内容 70,000 字，超过上限 64,000 字". */
export const LIMIT_WORDS: Record<LimitName, { what: string; unit: string }> = {
  messageChars: { what: '消息内容', unit: '字' },
  dispatchChars: { what: '派单内容', unit: '字' },
  dispatchItems: { what: '派单事项', unit: '项' },
  titleChars: { what: '事项标题', unit: '字' },
  deadlineChars: { what: '完成时限', unit: '字' },
  requirementChars: { what: '工作要求', unit: '字' },
  noteChars: { what: '说明', unit: '字' },
  unitsPerItem: { what: '单位', unit: '个' },
  unitNameChars: { what: '单位名称', unit: '字' },
  historyEmbedded: { what: '内嵌记录', unit: '条' },
  fileBytes: { what: '文件大小', unit: '字节' },
  jsonBodyBytes: { what: '请求体', unit: '字节' },
  sheetRows: { what: '表格行数', unit: '行' },
  sheetColumns: { what: '表格列数', unit: '列' },
  archiveInflatedBytes: { what: '解压后大小', unit: '字节' },
  pdfPages: { what: 'PDF 页数', unit: '页' },
  projectChars: { what: '立项内容', unit: '字' },
  topicChars: { what: '会议议题', unit: '字' },
  attendeesChars: { what: '参会人员', unit: '字' },
  reportTitleChars: { what: '标题', unit: '字' },
  projectMilestones: { what: '项目节点', unit: '个' },
  visitItems: { what: '本次督导记录', unit: '条' },
  templateBytes: { what: '台账模板大小', unit: '字节' },
};

/** 64000 → 64,000 (plain digits in groups of three; cheaper than toLocaleString's first call). */
function n(v: number): string {
  const digits = String(Math.trunc(Math.abs(v)));
  let out = '';
  for (let i = 0; i < digits.length; i++) out += (i && (digits.length - i) % 3 === 0 ? ',' : '') + digits[i];
  return v < 0 ? `-${out}` : out;
}

/** The sentence a refusal uses: `派单内容 70,000 字，超过上限 64,000 字`. */
export function limitMessage(name: LimitName, met: number, what = LIMIT_WORDS[name].what): string {
  const { unit } = LIMIT_WORDS[name];
  return `${what} ${n(met)} ${unit}，超过上限 ${n(LIMITS[name])} ${unit}`;
}

/** True when `met` is over the limit. */
export const overLimit = (name: LimitName, met: number): boolean => met > LIMITS[name];
