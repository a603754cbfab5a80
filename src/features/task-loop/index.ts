import type { AppDeps } from '../../app/deps';
import type { Feature, HelpLine } from '../../app/feature';
import type { TaskService } from '../../app/task-service';
import type { CardViews } from '../../app/views';
import { hasRole, officialUnits, supervisedGroups, type Person } from '../../domain/org';
import { TaskCardActions } from './card-actions';
import { TaskMessages } from './messages';

/**
 * The closed loop of a task (docs/rules.md#tasks-and-their-states): the task card's buttons (签收, 反馈进度,
 * 申请办结, 申请延期, 申请提级, 催办, 撤销, 审核 …, card-actions.ts), the chat commands 我的任务, 查询, 进度,
 * 催办, 提级 and replies in a task card's thread as progress reports (messages.ts). The change itself is
 * TaskService's (src/app/task-service.ts), the card card-views.ts's.
 */
export function taskLoopFeature(deps: AppDeps, views: CardViews, tasks: TaskService): Feature {
  const messages = new TaskMessages(deps, views, tasks);
  return {
    name: 'task-loop',
    parsed: messages.parsed,
    queries: ['my', 'query'], // they read and answer; 进度, 催办 and 提级 change the task
    onReply: (m, ctx) => messages.onReply(m, ctx),
    actions: new TaskCardActions(deps, views, tasks).handlers(),
    help: helpOf,
  };
}

function helpOf(p: Person): HelpLine[] {
  const out: HelpLine[] = [];
  const official = officialUnits(p).length > 0;
  if (official) {
    out.push({ command: '我的任务', what: '列出本单位在办的督办事项、红黄绿灯和截止日期', example: '我的任务' });
    out.push({ command: '进度', what: '反馈进度（也可以直接回复督办卡片，附上照片、文件、文号或链接）', example: '进度 DB-2026-0001 60% 已完成3户签约' });
  }
  out.push({ command: '查询', what: '查看一个督办单的卡片', example: '查询 DB-2026-0001' });
  if (supervisedGroups(p).length > 0 || hasRole(p, 'admin')) {
    out.push({ command: '催办', what: '立即向责任单位发出催办', example: '催办 DB-2026-0001 请本周五前反馈' });
    out.push({ command: '提级', what: '对跨部门问题发起提级协调，督导组审核后报挂钩市领导', example: '提级 DB-2026-0001 涉及住建、资源规划多个部门' });
  }
  return out;
}
