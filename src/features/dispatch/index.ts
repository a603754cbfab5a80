import type { ActionContext, CardAnswer, ToastType } from '../../app/card-handler';
import type { AppDeps } from '../../app/deps';
import type { Feature, HelpLine } from '../../app/feature';
import { replyCard, replyLiveCard, replyText } from '../../app/notify';
import type { Card } from '../../app/views';
import { noticeCard } from '../../cards';
import { canDispatch, dispatchScope } from '../../domain/permissions';
import type { Person } from '../../domain/org';
import { DispatchCards } from './cards';
import { DISPATCH_REFUSAL, dispatchRefusalText, type DispatchService } from './service';

/**
 * 派单 (docs/rules.md#the-form-the-preview-and-the-order): the command (alone: the form; with a list: the
 * preview), the preview's 确认派发 / 取消 (`dispatch.confirm`, `dispatch.cancel`), the form's 派发
 * (`dispatch.submit`) and the live preview card (`preview:ID`). The service creates the tasks; other
 * features (file dispatch, visits, meetings, projects) dispatch through it.
 */
export function dispatchFeature(deps: AppDeps, dispatch: DispatchService): Feature {
  const cards = new DispatchCards(deps);
  const answer = (type: ToastType, content: string, card?: Card): CardAnswer => (card ? { toast: { type, content }, card: { type: 'raw', data: card } } : { toast: { type, content } });

  const decide = async (c: ActionContext, confirm: boolean): Promise<CardAnswer> => {
    if (!c.value.p) return answer('error', '按钮缺少派单编号，请重新派单。');
    const r = await dispatch.decide(c.value.p, c.person, confirm);
    if (r.ok) return answer('success', r.toast, await cards.preview(r.preview));
    return answer(r.kind === 'stale' ? 'warning' : 'error', r.message, r.preview ? await cards.preview(r.preview) : undefined);
  };

  const submit = async (c: ActionContext): Promise<CardAnswer> => {
    const r = await dispatch.fromForm(c.person, c.form, c.action.messageId);
    if (!r.ok) return answer('error', r.message, await cards.form(c.person, { error: r.message, values: c.form }));
    const unit = (await deps.orgs.get()).unitName(r.task.leadUnit);
    const text = `「${r.task.title}」已派发给${unit}，截止 ${r.task.deadline}。督办卡片已发送到单位和督导组。`;
    return answer('success', `已派发 ${r.task.code}`, noticeCard({ title: `已派发 ${r.task.code}`, text, color: 'green' }));
  };

  return {
    name: 'dispatch',
    parsed: {
      async dispatch(m, person, cmd) {
        if (!cmd.body) return [dispatchScope(person, await deps.orgs.get()) ? replyCard(m, await cards.form(person)) : replyText(m, DISPATCH_REFUSAL)];
        const r = await dispatch.preview(person, cmd.body, { chatId: m.chatId, messageId: m.messageId });
        if ('refusal' in r) return [replyText(m, r.refusal)];
        if (!r.ok) return [replyText(m, dispatchRefusalText(r.problems))];
        return [replyLiveCard(m, 'preview', `preview:${r.preview._id}`, 'preview')];
      },
    },
    actions: {
      'dispatch.confirm': (c) => decide(c, true),
      'dispatch.cancel': (c) => decide(c, false),
      'dispatch.submit': submit,
    },
    renderers: {
      async preview(id) {
        const p = await deps.previews.get(id);
        return p ? cards.preview(p) : null;
      },
    },
    help: (p: Person): HelpLine[] => (canDispatch(p) ? [DISPATCH_HELP] : []),
  };
}

const DISPATCH_HELP: HelpLine = { command: '派单', what: '发送“派单”得到派单表单；或在“派单”后粘贴清单，确认后派发', example: '派单\n1. 推进茂盛路征迁扫尾\n责任单位：梅山镇\n完成时限：12月15日前\n工作要求：本周内完成剩余3户签约' };
