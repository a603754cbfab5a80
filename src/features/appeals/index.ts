import { z } from 'zod';
import type { AppDeps } from '../../app/deps';
import { RouteError, type Feature, type RouteDef, type RouteRequest } from '../../app/feature';
import { replyText } from '../../app/notify';
import { formText, outcomeAnswer } from '../../app/outcome';
import { APPEAL_STATES, type AppealFilter } from '../../app/ports/appeals';
import { code, note, noteOf, page, personLookup } from '../../app/route-inputs';
import { splitAppealItem } from '../../domain/appeal';
import { AppealService, type AppealOutcome } from './service';

export { AppealService, appealRef, type AppealOutcome } from './service';

/**
 * 申诉 (docs/rules.md#appeals): `申诉 DB-… [事项] 理由` by a unit official, decided by the coordination
 * group on a live card (申诉成立 / 维持原评), and the same by the admin API. Upheld items leave the
 * ranking (the summaries read them from the appeal store).
 */
export function appealsFeature(deps: AppDeps): Feature {
  const appeals = new AppealService(deps);
  return {
    name: 'appeals',
    parsed: {
      async appeal(m, person, cmd) {
        const r = await appeals.file(cmd.code, person, cmd.reason);
        return [replyText(m, r.ok ? r.toast : r.message)];
      },
    },
    actions: {
      'appeal.decide': async (c) => {
        if (!c.value.r || (c.value.x !== 'upheld' && c.value.x !== 'rejected')) return outcomeAnswer({ ok: false, kind: 'invalid', message: '无法识别这个按钮，请刷新卡片后重试。' });
        const out = await appeals.decide(c.value.r, c.person, c.value.x, formText(c.form.opinion), c.value.s);
        return outcomeAnswer(out, (await appeals.render(c.value.r)) ?? undefined);
      },
    },
    renderers: { appeal: (id) => appeals.render(id) },
    routes: appealRoutes(deps, appeals),
    relay: () => deps.appeals.relayAll(),
  };
}

const listQuery = z.object({ state: z.enum(APPEAL_STATES).optional(), code: code.optional(), ...page }).strict();
const appealItem = z
  .string()
  .trim()
  .refine((x) => splitAppealItem(x).choice.kind !== 'all' && !splitAppealItem(x).reason, 'expected 超期, 退回, 提示函 or one letter such as 〔2026〕第3号');
const appealBody = z.object({ code, item: appealItem.optional().describe('what is appealed: 超期, 退回, 提示函 or one letter (〔2026〕第3号); all of them when left out'), reason: note('申诉理由'), by: code }).strict();
const decideBody = z.object({ decision: z.enum(['upheld', 'rejected']), opinion: noteOf(z.string(), '裁定意见').default(''), by: code }).strict();

/** An outcome as the API answers it: the appeal, or the refusal with its status. */
function outcome(r: AppealOutcome) {
  if (r.ok) return r.doc;
  const status = { forbidden: 403, invalid: 400, stale: 409, missing: 404 }[r.kind];
  throw new RouteError(status, r.kind === 'invalid' ? 'invalid_appeal' : r.kind === 'missing' ? 'not_found' : r.kind === 'stale' ? 'already_decided' : 'forbidden', r.message);
}

function appealRoutes(deps: AppDeps, appeals: AppealService): RouteDef[] {
  const person = personLookup(deps);
  return [
    {
      method: 'get',
      path: '/appeals',
      doc: { summary: 'Appeals (申诉) against ranking items', query: listQuery },
      handle: async ({ query: q }: RouteRequest<z.infer<typeof listQuery>>) => {
        const filter: AppealFilter = {};
        if (q.state) filter.state = q.state;
        if (q.code) filter.code = q.code.toUpperCase();
        return { body: await appeals.list(filter, q.limit, q.offset) };
      },
    },
    {
      method: 'post',
      path: '/appeals',
      doc: { summary: 'File an appeal for a task', body: appealBody, status: 201 },
      handle: async ({ body }: RouteRequest<unknown, z.infer<typeof appealBody>>) => {
        const by = await person(body.by, 'by', () => true, '');
        return { status: 201, body: outcome(await appeals.file(body.code.toUpperCase(), by, body.item ? `${body.item} ${body.reason}` : body.reason)) };
      },
    },
    {
      method: 'post',
      path: '/appeals/:id/decide',
      doc: { summary: 'Decide an appeal: upheld or rejected', body: decideBody },
      handle: async ({ params, body }: RouteRequest<unknown, z.infer<typeof decideBody>>) => {
        const by = await person(body.by, 'by', () => true, '');
        return { body: outcome(await appeals.decide(params.id, by, body.decision, body.opinion)) };
      },
    },
  ];
}
