import { z } from 'zod';
import type { AppDeps } from '../../app/deps';
import { RouteError, type Feature, type RouteDef, type RouteRequest } from '../../app/feature';
import { messageKey } from '../../app/keys';
import { replyCard, replyText } from '../../app/notify';
import { API_ADMIN, code, page, personLookup, text } from '../../app/route-inputs';
import { BULLETIN_EXAMPLE, parseBulletin } from '../../domain/bulletin';
import { BulletinService } from './service';

export const BULLETIN_USAGE = `通报的写法：
通报 表扬|批评 对象 内容
· 对象：督办单编号和/或单位名称，写在最前面，用空格或、分隔
· 内容：对象后面的文字
· 可另起一行写“标题：……”
· 另起一行写“发送到：单位或督导组名称、各单位、各督导组、本群”即发布；不写则只预览给您
例如：
${BULLETIN_EXAMPLE}`;

/**
 * 通报 (docs/rules.md#bulletins): a supervisor's 表扬 or 批评 of tasks and units, previewed to the sender
 * or published to the chats named after 发送到; the same by `POST /api/bulletins`.
 */
export function bulletinsFeature(deps: AppDeps): Feature {
  const bulletins = new BulletinService(deps);
  return {
    name: 'bulletins',
    parsed: {
      async bulletin(m, person, { body }) {
        if (!bulletins.mayPublish(person)) return [replyText(m, '通报由督导组成员发布。')];
        if (!body.trim()) return [replyText(m, BULLETIN_USAGE)];
        const org = await deps.orgs.get();
        const parsed = parseBulletin(body, org);
        if (!parsed.ok) return [replyText(m, parsed.message)];
        const built = await bulletins.build(parsed.draft, person);
        if (!built.ok) return [replyText(m, built.message)];
        if (!parsed.draft.targets) return [replyCard(m, built.card), replyText(m, '以上为预览，尚未发布。确认无误后，在原命令末尾另起一行写“发送到：各单位”（或单位、督导组名称、本群）重新发送即发布。', 1)];
        const targets = bulletins.targetsOf(parsed.draft.targets, org, m.chatId);
        if (!targets.length) return [replyText(m, '发布范围内的单位和督导组都没有可送达的群或人员，未发布。')];
        const { doc } = await bulletins.publish(messageKey('bul', m.messageId), built, targets);
        return [replyText(m, `已发布${doc.kind}通报「${doc.title}」到 ${doc.targets.length} 个群或人员。`)];
      },
    },
    routes: bulletinRoutes(deps, bulletins),
  };
}

const listQuery = z.object(page).strict();
const bulletinBody = z
  .object({
    kind: z.enum(['表扬', '批评']),
    title: z.string().trim().max(100).optional(),
    body: text(3000),
    tasks: z.array(code).max(30).default([]),
    units: z.array(code).max(30).default([]),
    to: z.object({ units: z.array(code).default([]), groups: z.array(code).default([]) }).strict(),
    by: code.optional(),
  })
  .strict()
  .refine((b) => b.tasks.length + b.units.length > 0, 'name at least one task or unit in tasks or units')
  .refine((b) => b.to.units.length + b.to.groups.length > 0, 'to: name at least one unit or group to publish to');

function bulletinRoutes(deps: AppDeps, bulletins: BulletinService): RouteDef[] {
  const person = personLookup(deps);
  return [
    {
      method: 'get',
      path: '/bulletins',
      doc: { summary: 'Published 通报 (表扬/批评)', query: listQuery },
      handle: async ({ query: q }: RouteRequest<z.infer<typeof listQuery>>) => ({ body: await bulletins.list(q.limit, q.offset) }),
    },
    {
      method: 'post',
      path: '/bulletins',
      doc: { summary: 'Publish a 通报 to units and groups', body: bulletinBody, status: 201 },
      handle: async ({ body }: RouteRequest<unknown, z.infer<typeof bulletinBody>>) => {
        const o = await deps.orgs.get();
        const bad = [...body.units, ...body.to.units].filter((u) => !o.unit(u));
        if (bad.length) throw new RouteError(400, 'unknown_unit', `no unit ${bad.join(', ')}`);
        const badGroups = body.to.groups.filter((g) => !o.group(g));
        if (badGroups.length) throw new RouteError(400, 'unknown_group', `to.groups: no group ${badGroups.join(', ')}`);
        const by = body.by ? await person(body.by, 'by', (p) => bulletins.mayPublish(p), 'may not publish bulletins') : API_ADMIN;
        const built = await bulletins.build({ kind: body.kind, title: body.title, body: body.body, tasks: body.tasks.map((t) => t.toUpperCase()), units: body.units }, by);
        if (!built.ok) throw new RouteError(400, 'invalid_bulletin', built.message);
        const targets = bulletins.targetsOf({ units: body.to.units, groups: body.to.groups, here: false }, o);
        if (!targets.length) throw new RouteError(400, 'no_targets', 'to: none of these units or groups has a chat or a registered person to send to');
        const r = await bulletins.publish(messageKey('bul', by.code, JSON.stringify(body)), built, targets);
        return { status: r.created ? 201 : 200, body: { ...r.doc, created: r.created } };
      },
    },
  ];
}
