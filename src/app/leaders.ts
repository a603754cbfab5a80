import type Router from '@koa/router';
import type { CardActionName } from '../cards/actions';
import type { JobDef } from '../jobs/runner';
import type { AppCardViews } from './card-views';
import type { AppDeps } from './deps';
import type { DispatchService } from './dispatch-service';
import type { ExtraCommand } from './message-handler';
import type { TaskEffects } from './task-service';
import type { CardAnswer, ActionContext } from './card-handler';

/** The leaders' side (SPEC §6): escalations, meetings and minutes, summaries, rankings, bulletins. */
export interface LeadersSide {
  effects: TaskEffects;
  commands?: ExtraCommand;
  cardActions: Partial<Record<CardActionName, (c: ActionContext) => Promise<CardAnswer>>>;
  jobs: JobDef[];
  api(router: Router): void;
}

export function leadersSide(deps: AppDeps, views: AppCardViews, dispatch: DispatchService): LeadersSide {
  void deps, views, dispatch;
  return { effects: {}, cardActions: {}, jobs: [], api: () => undefined };
}
