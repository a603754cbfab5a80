/** The answers for files that cannot be read, each saying what to send instead. */
export const noTextLayer = (name: string) =>
  `《${name}》没有文字层（扫描件或图片），无法读取其中的文字，不会猜测内容。请发送 Word 原件（.docx）或带文字的 PDF，或把事项文字粘贴在“派单”之后发送。`;

export const saveAsXlsx = (name: string) => `《${name}》是旧版 Excel/WPS 表格格式（.xls/.et），无法读取。请另存为 .xlsx 后重新发送。`;

export const saveAsDocx = (name: string) => `无法读取《${name}》（WPS 或旧版 Word 格式）。请在 WPS 或 Word 中另存为 .docx 后重新发送。`;

export const unsupported = (name: string) => `无法读取《${name}》：可以派单的文件是 Word（.docx、.doc）、Excel（.xlsx）、带文字的 PDF 和纯文本（.txt）。`;

export const broken = (name: string, why: string) => `无法读取《${name}》：${why}。请确认文件能正常打开后重新发送。`;
