import type { AppDeps } from '../../app/deps';
import type { Feature, HelpLine } from '../../app/feature';
import { replyRendered } from '../../app/notify';
import type { Card } from '../../app/views';
import { helpCard } from '../../cards';
import type { Person } from '../../domain/org';

const HELP_LINE: HelpLine = { command: '帮助', what: '显示这份说明', example: '帮助' };

/** Every feature's lines of the 帮助 card for this person, in the order main.ts lists the features. */
export function helpLines(features: readonly Feature[], p: Person): HelpLine[] {
  return features.flatMap((f) => f.help?.(p) ?? []);
}

/** The 帮助 card: who the person is (their roles) and the lines of every feature for them. */
export async function helpCardOf(deps: Pick<AppDeps, 'orgs'>, features: readonly Feature[], p: Person): Promise<Card> {
  const org = await deps.orgs.get();
  const roles = p.roles.map((r) => {
    if (r.kind === 'supervisor') return `${org.group(r.group)?.name ?? r.group} ${r.position}`;
    if (r.kind === 'official') return `${org.unitName(r.unit)} ${r.position}`;
    return { cityLeader: '挂钩市领导', admin: '系统管理员', observer: '成果运用单位' }[r.kind];
  });
  return helpCard({ name: p.name, roles, commands: helpLines(features, p) });
}

/**
 * 帮助 (docs/rules.md#commands): the card lists, for the person's roles, the lines each feature gives,
 * in the features' order; this feature is listed last, so its own line ends the card.
 */
export function helpFeature(deps: AppDeps, features: () => readonly Feature[]): Feature {
  return {
    name: 'help',
    // the card is rendered when the reply is sent (a small row to queue; the roles as they are then)
    parsed: { help: async (m) => [replyRendered(m, 'help', `help:${m.senderOpenId}`, 'chat')] },
    queries: ['help'],
    renderers: {
      help: async (openId, org) => {
        const person = org.byOpenId(openId);
        return person ? helpCardOf(deps, features(), person) : null; // gone from the organisation: nothing to show
      },
    },
    help: () => [HELP_LINE],
  };
}
