import type { InboundCardAction } from './inbound';
import { CARD_ACTIONS, cardValueSchema, type CardValue } from '../cards/actions';
import type { Person } from '../domain/org';
import { unknownPersonMessage } from '../domain/permissions';
import type { AppDeps } from './deps';
import type { Card } from './views';

/**
 * Card actions, routed by the action name in the button value to the feature that registered it
 * (docs/architecture.md#card-actions). The operator comes from the callback's open_id; the value only
 * says what was pressed.
 */
export type ToastType = 'success' | 'warning' | 'error' | 'info';
export interface CardAnswer {
  toast: { type: ToastType; content: string };
  card?: { type: 'raw'; data: Card };
}

export interface ActionContext {
  action: InboundCardAction;
  value: CardValue;
  person: Person;
  form: Record<string, unknown>;
}

type Handler = (ctx: ActionContext) => Promise<CardAnswer>;

export class CardHandler {
  private readonly registry = new Map<string, Handler>();

  constructor(
    private readonly deps: AppDeps,
    features: ReadonlyMap<string, Handler> = new Map(),
  ) {
    const r = this.registry;
    for (const [name, h] of features) {
      if (r.has(name)) throw new Error(`card action ${name} is given twice`);
      r.set(name, h);
    }
  }

  async handle(a: InboundCardAction): Promise<CardAnswer> {
    const parsed = cardValueSchema.safeParse(a.value);
    if (!parsed.success || !(this.registry.has(parsed.data.a) || (CARD_ACTIONS as readonly string[]).includes(parsed.data.a))) return { toast: { type: 'error', content: '无法识别这个按钮，请刷新卡片后重试。' } };
    const org = await this.deps.orgs.get();
    const person = org.byOpenId(a.operatorOpenId);
    if (!person) return { toast: { type: 'error', content: unknownPersonMessage(a.operatorOpenId) } };
    const handler = this.registry.get(parsed.data.a);
    if (!handler) return { toast: { type: 'warning', content: '这个操作暂不可用。' } };
    // form values arrive as `form_value`; a lone input may come as input_value/option
    const form = { ...a.formValue };
    this.deps.log.info({ action: parsed.data.a, operator: a.operatorOpenId, code: parsed.data.c }, 'card action');
    return handler({ action: a, value: parsed.data, person, form });
  }
}
