import { z } from 'zod';
import type { AppDeps } from '../../app/deps';
import type { Feature, RouteRequest } from '../../app/feature';
import { formText, outcomeAnswer } from '../../app/outcome';
import { ESCALATION_STATES, type EscalationFilter } from '../../app/ports/escalations';
import { code, page } from '../../app/route-inputs';
import { EscalationService, type EscalationOutcome } from './service';

export { EscalationService, escalationRef, STATE_WORD, type EscalationOutcome } from './service';

/**
 * 有所为 / 有所不为 (docs/rules.md#escalation): a task's escalation the group accepts (有所为·提级) becomes
 * an item on the linked city leader's 调度会 agenda, shown on a live card (列入调度会, 已批示); the
 * meeting's decisions close it (src/features/meetings). `service` is the agenda the other features put
 * matters on (a 专题协调会 item sent up, a 重大事项报告) and read (minutes, the monthly summary).
 */
export interface EscalationFeature {
  feature: Feature;
  service: EscalationService;
}

const listQuery = z.object({ state: z.enum(ESCALATION_STATES).optional(), leader: code.optional(), group: code.optional(), code: code.optional(), ...page }).strict();

export function escalationFeature(deps: AppDeps): EscalationFeature {
  const service = new EscalationService(deps);
  const missing = outcomeAnswer({ ok: false, kind: 'invalid', message: '按钮缺少提级事项编号，请刷新卡片。' });
  const answer = async (out: EscalationOutcome) => outcomeAnswer(out, out.doc ? service.card(out.doc, await deps.orgs.get()) : undefined);

  const feature: Feature = {
    name: 'escalation',
    actions: {
      'escalation.schedule': async (c) => (c.value.e ? answer(await service.schedule(c.value.e, c.person, c.value.s)) : missing),
      'escalation.instruct': async (c) => (c.value.e ? answer(await service.instruct(c.value.e, c.person, formText(c.form.instruction), c.value.s)) : missing),
    },
    async onTaskNotice(task, notice, actor) {
      if (notice.to === 'escalation_accepted') return service.onAccepted(task, notice.request, notice.opinion, actor);
      if (notice.to === 'unit' && task.escalationId && (task.state === 'closed' || task.state === 'cancelled')) return service.followUpDone(task);
      return [];
    },
    renderers: {
      escalation: async (id, org) => {
        const e = await service.get(id);
        return e ? service.card(e, org) : null;
      },
    },
    routes: [
      {
        method: 'get',
        path: '/escalations',
        doc: { summary: 'Escalations (申请提级协调) and their decisions', query: listQuery },
        handle: async ({ query: q }: RouteRequest<z.infer<typeof listQuery>>) => {
          const filter: EscalationFilter = {};
          if (q.state) filter.state = q.state;
          if (q.leader) filter.leader = q.leader;
          if (q.group) filter.group = q.group;
          if (q.code) filter.code = q.code.toUpperCase();
          return { body: await service.list(filter, q.limit, q.offset) };
        },
      },
    ],
    relay: () => deps.escalations.relayAll(),
  };
  return { feature, service };
}
