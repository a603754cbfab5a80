/** One line for a message (quotes, reply bars): its text, or what kind of message it is. */
import type { Message } from './api';

/** The sandbox only ever mentions the bot, as `@_user_1`. */
export const mentionText = (s: string): string => s.replace(/@_user_\d+\s?/g, '@督导助手 ');

export function previewOf(m: Pick<Message, 'type' | 'content'>): string {
  const c = (m.content ?? {}) as { text?: string; file_name?: string; header?: { title?: { content?: string }; subtitle?: { content?: string } } };
  if (m.type === 'text') return mentionText(String(c.text ?? '')).replace(/\s+/g, ' ').trim();
  if (m.type === 'interactive') return `[卡片] ${[c.header?.title?.content, c.header?.subtitle?.content].filter(Boolean).join(' · ')}`;
  if (m.type === 'image') return '[图片]';
  if (m.type === 'file') return `[文件] ${c.file_name ?? ''}`;
  return `[${m.type}]`;
}
