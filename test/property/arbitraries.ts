import fc from 'fast-check';

/** Pieces of real dispatch texts and commands, mixed with arbitrary characters: most runs reach deep into the parsers. */
const DISPATCH_TOKENS = [
  '1. ', '2、', '3．', '（一）', '(2)', '一、', '①', '第3项：', '1000. ', '\n', '\n\n', '\t', ' | ', '|---|---|', '<br>', '"',
  '事项：', '责任单位：', '牵头单位：', '配合单位：', '完成时限：', '截止：', '工作要求：', '要求：', '优先级：', '类别：', '来源：', '备注：', '【责任单位】',
  '事项\t责任单位\t完成时限', '梅山镇', '住建局', '自然资源局', '城关街道', '梅山', '县住房和城乡建设局', '各乡镇（街道）', '县直有关部门', '（牵头）', '（配合）', '等单位',
  '、', '，', '。', '；', ':', '：', '/', '—', '——', '-', '~', '至', '起', '即日起至',
  '12月15日前', '2026年12月1日', '2026-12-20', '12/25', '12月下旬', '下旬', '本月底', '下周三', '3个工作日', '10天内', '年底', '第4季度', '今天', '每月25日前报送', '待定', '长期坚持', '十二月一日',
  '紧急', '重要', '一般', '很急', '问题整改', '领导交办', '县政府常务会议议定事项', '推进茂盛路征迁扫尾', '甲', '（', '）', '(', ')', '“', '”',
];

const CHARS = fc.string({ unit: 'binary', maxLength: 4 }); // any code units, lone surrogates included

/** A dispatch body (what follows 派单): token soup, up to about 300 characters. */
export const dispatchText = fc.array(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...DISPATCH_TOKENS) }, { weight: 1, arbitrary: CHARS }), { maxLength: 40 }).map((a) => a.join(''));

const COMMAND_TOKENS = [
  '派单', 'dispatch', '我的任务', '待办', 'my tasks', '查询', 'query', '进度', 'progress', '催办', '提级', '提级协调', '统计', '帮助', '?', '？', '会议纪要', '通报', '申诉',
  ' ', '　', ':', '：', '\n', 'DB-2026-0001', 'db2026 0001', 'ＤＢ－２０２６－０００１', 'DB-2026-', '60%', '６０％', '100', '101', '999', '%', '已完成3户签约', '超期', '提示函', '〔2026〕第3号', '表扬', '批评', '梅山镇', '发送到：各单位',
];

/** A chat message's text. */
export const commandText = fc.array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...COMMAND_TOKENS) }, { weight: 1, arbitrary: CHARS }), { maxLength: 12 }).map((a) => a.join(''));
