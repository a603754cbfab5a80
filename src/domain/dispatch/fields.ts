import { SOURCES, type Priority, type TaskSource } from '../task';
import type { FieldKind } from './types';
import { toHalfWidth } from './text';

/** The keys government notices use for each field (docs/rules.md#blocks-and-fields), plus a few common synonyms. */
const KEYS: Record<Exclude<FieldKind, 'ignored'>, string[]> = {
  title: ['事项', '标题', '督办事项', '工作任务', '议定事项', '存在问题', '问题', '事项名称', '任务名称', '工作事项', '督办任务', '重点任务'],
  leadPrimary: ['牵头单位', '牵头责任单位', '主要责任单位', '主办单位', '牵头部门', '主责单位'],
  lead: ['责任单位', '承办单位', '责任部门', '办理单位', '责任主体'],
  co: ['配合单位', '协办单位', '协同配合单位', '协同责任单位', '其他责任单位', '配合部门', '协办部门'],
  deadline: ['截止', '期限', '时限', '完成时限', '完成时间', '截止时间', '整改时限', '截止日期', '完成期限', '办结时限', '办理时限', '整改期限', '完成日期', '办结时间', '时间节点'],
  content: ['要求', '内容', '工作要求', '具体要求', '整改要求', '整改措施', '工作内容', '督办要求', '任务内容', '具体内容', '工作措施', '问题描述', '督办内容'],
  priority: ['优先级', '紧急程度', '缓急程度'],
  category: ['类别', '类型', '分类', '事项类别', '任务类别'],
  source: ['来源', '事项来源', '任务来源'],
  project: ['项目', '所属项目'],
};
const IGNORED = ['责任领导', '办理状态', '备注', '序号', '编号', '责任人', '联系人', '联系电话', '分管领导', '挂钩领导', '进展情况', '完成情况', '办理情况', '督导组'];

const KIND_BY_KEY = new Map<string, FieldKind>();
for (const [kind, keys] of Object.entries(KEYS)) for (const k of keys) KIND_BY_KEY.set(k, kind as FieldKind);
for (const k of IGNORED) KIND_BY_KEY.set(k, 'ignored');

/** A key as written (`【责任单位】`, `完成 时限`, `责任单位*`) in its plain form. */
export function normKey(key: string): string {
  return toHalfWidth(key).replace(/[\s【】[\]*]/g, '');
}

export function fieldKind(key: string): FieldKind | undefined {
  return KIND_BY_KEY.get(normKey(key));
}

export const KNOWN_KEYS = [...KIND_BY_KEY.keys()].sort((a, b) => b.length - a.length);

const PRIORITY_WORDS: Record<string, Priority> = {
  一般: '一般', 普通: '一般', 常规: '一般',
  重要: '重要',
  紧急: '紧急', 特急: '紧急', 加急: '紧急', 急: '紧急',
};

export function mapPriority(text: string): Priority | undefined {
  return PRIORITY_WORDS[normKey(text).replace(/[。.]$/, '')];
}

export function mapCategory(text: string, categories: string[]): { category: string; categoryLabel?: string } {
  const t = normKey(text);
  if (categories.includes(t)) return { category: t };
  return { category: '其他', categoryLabel: text.trim() };
}

/** Free 来源 text → the nearest source; the written label is kept when it says more. */
export function mapSource(text: string, meetingSource: TaskSource): { source: TaskSource; sourceLabel?: string } {
  const t = normKey(text);
  if ((SOURCES as readonly string[]).includes(t)) return { source: t as TaskSource };
  let source: TaskSource = '其他';
  if (/暗访|明察|暗查|暗拍|突击检查|随机抽查/.test(t)) source = '明察暗访';
  else if (/调度会/.test(t)) source = '调度会';
  else if (/会议|议定|纪要|常务会|办公会|专题会|常委会/.test(t)) source = meetingSource;
  else if (/领导|批示|交办|指示|书记|县长|市长|区长/.test(t)) source = '领导交办';
  else if (/督导|督查|督办|巡查|检查/.test(t)) source = '日常督导';
  return { source, sourceLabel: text.trim() };
}
