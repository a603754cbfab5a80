import type { Feature } from '../app/feature';
import type { JobDef } from './runner';

/**
 * The `outbox` job (docs/rules.md#scheduled-jobs: continuous delivery of what is queued, docs/architecture.md#the-outbox-and-the-relay). Its continuous part is the
 * outbox worker, started with the service, plus the relay that runs after every change, at start and
 * every 5 minutes (main.ts `startBackground`). So it has no cron slot of its own (it is not in
 * DEFAULT_SCHEDULES): a slot every minute would only add a run record a minute and repeat what the
 * worker already does. Like every job it can be run on demand (`npm run job -- outbox`,
 * `POST /api/jobs/outbox/run`), on any day (no workday check): it relays what tasks and the features'
 * documents (escalations, appeals, meetings …: each feature's `relay`) still owe into the outbox (safe to
 * repeat) and sends what is due once, answering with counts (`relayed`: the tasks', then by feature).
 *
 * `sender` is the service's worker, or in `npm run job` a one-shot worker of its own (rows are claimed
 * one at a time and sent with their uuid, so a service sending at the same time never doubles a
 * message); undefined where nothing can send (a sandbox CLI run: the sandbox's Feishu lives in the
 * service), and then sending is left to the running service.
 */
export interface OutboxSender {
  sendDue(): Promise<object>;
}

export function outboxJob(o: {
  tasks: { relayAll(): Promise<number> };
  features: readonly Pick<Feature, 'name' | 'relay'>[];
  sender: () => OutboxSender | undefined;
}): JobDef {
  return {
    name: 'outbox',
    description: '转存待发消息并立即发送到期消息（平时由后台持续发送）',
    async run() {
      const relayed: Record<string, unknown> = { tasks: await o.tasks.relayAll() };
      for (const f of o.features) if (f.relay) relayed[f.name] = await f.relay();
      const sender = o.sender();
      if (!sender) return { relayed, sending: 'left to the running service' };
      return { relayed, ...(await sender.sendDue()) };
    },
  };
}
