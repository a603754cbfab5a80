import type { OutboxItem } from './outbox-item';
import type { Org, Person } from '../domain/org';
import type { Task, TaskState } from '../domain/task';
import { applyTaskCommand, type Notice, type Outcome, type TaskCommand } from '../domain/task-actions';
import type { AppDeps } from './deps';
import type { Change } from './ports/tasks';
import { groupReviewCard, noticeItems, refreshItems } from './notify';

/**
 * Applies a command to a task: decided by the domain, written under the task's lock together with the
 * messages it owes (updated copies of its cards, notices). Requests that need the group's review bring
 * the group copy of the card to the group chat when the order only showed a roll-up there.
 */
export type ActResult = Outcome | { ok: false; kind: 'missing'; message: string };

/** Hooks for effects that live outside the task (escalations, see escalation-service.ts). */
export interface TaskEffects {
  onNotice?(task: Task, notice: Notice, actor: Person): Promise<OutboxItem[]> | OutboxItem[];
}

const REVIEW_REQUESTS = new Set<TaskCommand['type']>(['submit', 'request_extension', 'request_escalation']);

export class TaskService {
  constructor(
    private readonly deps: AppDeps,
    private readonly effects: TaskEffects = {},
  ) {}

  async act(code: string, cmd: TaskCommand, actor: Person, expectState?: TaskState): Promise<ActResult> {
    const org = await this.deps.orgs.get();
    const result = await this.deps.tasks.change<Outcome>(code, (task) => this.decide(task, cmd, actor, org, expectState));
    return result ?? missing(code);
  }

  /**
   * `act` for a card's answer: it returns once the change and what it owes are written, with the task
   * as it now is (changed, or as read when refused), so the answer card is built from the document in
   * hand; the relay to the outbox and the other copies' updates follow (docs/architecture.md#a-card-click-in-four-round-trips).
   */
  async press(code: string, cmd: TaskCommand, actor: Person, expectState?: TaskState): Promise<{ result: ActResult; task: Task | null }> {
    const org = await this.deps.orgs.get();
    const { clock, settings, cal } = this.deps;
    // while another press holds the lock: a refusal needs no turn (the domain alone decides it, no effects)
    const unchanged = (task: Task) => {
      const out = applyTaskCommand(task, cmd, { at: clock.now(), actor, org, tz: settings.tz, cal, expectState });
      return out.ok ? undefined : { result: out, task };
    };
    const pressed = await this.deps.tasks.changeNow<{ result: Outcome; task: Task }>(
      code,
      async (task) => {
        const c = await this.decide(task, cmd, actor, org, expectState);
        return { ...c, result: { result: c.result, task: c.task ?? task } };
      },
      { unchanged },
    );
    return pressed ?? { result: missing(code), task: null };
  }

  /** The domain decides; a change owes the updated copies of its cards and its notices. */
  private async decide(task: Task, cmd: TaskCommand, actor: Person, org: Org, expectState?: TaskState): Promise<Change<Outcome>> {
    const { clock, settings, cal } = this.deps;
    const out = applyTaskCommand(task, cmd, { at: clock.now(), actor, org, tz: settings.tz, cal, expectState });
    if (!out.ok) return { result: out };
    const owed: OutboxItem[] = [...refreshItems(out.task), ...noticeItems(out.task, out.notices, org)];
    if (REVIEW_REQUESTS.has(cmd.type) && out.task.order) {
      const copies = await this.deps.cards.copies(`task:${task.code}`);
      if (!copies.some((c) => c.view === 'group')) owed.push(...groupReviewCard(out.task, org));
    }
    for (const n of out.notices) if (this.effects.onNotice) owed.push(...(await this.effects.onNotice(out.task, n, actor)));
    return { task: out.task, owed, result: out };
  }
}

function missing(code: string): ActResult {
  return { ok: false, kind: 'missing', message: `找不到督办单 ${code}，请核对编号。` };
}
