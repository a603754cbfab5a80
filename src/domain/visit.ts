import type { LocalDate } from './time';

/**
 * 现场督导 (docs/rules.md#on-site-visits): a supervisor's visit, recorded from the phone. What the
 * sender posts in the visit card's thread (a location, photos, text) belongs to the visit until
 * `结束督导` or two hours of quiet. Pure data and rules.
 */
export const VISIT_MODES = ['明察', '暗访'] as const;
export type VisitMode = (typeof VISIT_MODES)[number];

/** Two hours of quiet end a visit. */
export const VISIT_QUIET_MS = 2 * 60 * 60 * 1000;

/** Feishu's location message content. */
export interface VisitLocation {
  name: string;
  address: string;
  latitude: string;
  longitude: string;
}

export interface VisitPhoto {
  imgKey: string; // the app's own image key (re-uploaded from the sender's image)
  at: Date;
  messageId: string;
}

export type FindingState = 'open' | 'settled' | 'dispatched';
export interface VisitFinding {
  seq: number;
  text: string;
  at: Date;
  messageId: string;
  state: FindingState;
  task?: string; // settled on the spot: the task's code
  preview?: string; // turned into a dispatch preview: its id
}

/** 现场处置: a problem settled on the spot, tracked as a task with source 现场督导. */
export interface VisitSettlement {
  decision: string;
  units: string[];
  deadline: LocalDate;
  task: string;
  finding?: number;
  at: Date;
}

export interface Visit {
  code: string; // XC-2026-001
  supervisor: string; // person code
  group: string;
  mode: VisitMode;
  chatId: string;
  messageId: string; // the 现场督导 message; the card is its reply, the thread hangs on it
  openedAt: Date;
  lastAt: Date;
  endedAt?: Date;
  endedBy?: 'button' | 'quiet';
  location?: VisitLocation;
  units: string[];
  project?: string;
  photos: VisitPhoto[];
  findings: VisitFinding[];
  settled: VisitSettlement[];
  milestones: { project: string; seq: number }[]; // confirmed by this visit
  rev: number;
}

export function visitCode(year: number, seq: number): string {
  return `XC-${year}-${String(seq).padStart(3, '0')}`;
}

/** When a visit stops taking messages: at its end, or two hours after the last thing recorded. */
export function visitClosesAt(v: Pick<Visit, 'endedAt' | 'lastAt'>): Date {
  return v.endedAt ?? new Date(v.lastAt.getTime() + VISIT_QUIET_MS);
}

export function visitOpen(v: Pick<Visit, 'endedAt' | 'lastAt'>, now: Date): boolean {
  return !v.endedAt && now.getTime() < v.lastAt.getTime() + VISIT_QUIET_MS;
}

/** `现场督导` / `现场督导 暗访` → the mode; anything else after the word is the visit's first note. */
export function visitModeOf(body: string): { mode: VisitMode; note: string } {
  const t = body.trim();
  const m = /^(暗访|明察)(?=$|[\s:：,，])[\s:：,，]*/.exec(t);
  return m ? { mode: m[1] as VisitMode, note: t.slice(m[0].length).trim() } : { mode: '明察', note: t };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

/** A location message's content, or null when it is not one. */
export function parseLocation(content: unknown): VisitLocation | null {
  if (!content || typeof content !== 'object') return null;
  const c = content as Record<string, unknown>;
  const latitude = str(c.latitude);
  const longitude = str(c.longitude);
  if (latitude === undefined || longitude === undefined || !Number.isFinite(Number(latitude)) || !Number.isFinite(Number(longitude))) return null;
  return { name: (str(c.name) ?? '').slice(0, 200), address: (str(c.address) ?? '').slice(0, 300), latitude, longitude };
}

/**
 * A text in the visit's thread: `单位：梅山镇、住建局` and `项目：XM-2026-001` set what the visit is
 * about; anything else is a finding (发现的问题).
 */
export type VisitText = { kind: 'units'; value: string } | { kind: 'project'; value: string } | { kind: 'finding'; text: string };

export function visitText(text: string): VisitText {
  const t = text.trim();
  const m = /^(单位|被督导单位|督导单位|项目|所属项目)\s*[:：]/.exec(t);
  const value = m ? t.slice(m[0].length).trim() : '';
  if (m && value) return /项目/.test(m[1]) ? { kind: 'project', value } : { kind: 'units', value };
  return { kind: 'finding', text: t };
}

export function mapLink(l: VisitLocation): string {
  return `https://uri.amap.com/marker?position=${encodeURIComponent(l.longitude)},${encodeURIComponent(l.latitude)}&name=${encodeURIComponent(l.name || l.address)}`;
}
