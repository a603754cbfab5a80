import type { ContactResolver } from '../org';
import type { Messenger } from './ports';

/** The org import's contact port on Feishu's batch_get_id (mobile/email → open_id). */
export function feishuResolver(messenger: Messenger): ContactResolver {
  return { resolve: (q) => messenger.resolveIds(q) };
}
