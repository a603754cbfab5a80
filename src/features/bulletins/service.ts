import { bulletinCard, type Card } from '../../cards';
import type { BulletinKind, BulletinTargets } from '../../domain/bulletin';
import { lightOf } from '../../domain/lights';
import { hasRole, supervisedGroups, type Org, type Person } from '../../domain/org';
import { refusal } from '../../domain/permissions';
import { localDate } from '../../domain/time';
import type { AppDeps } from '../../app/deps';
import { messageKey } from '../../app/keys';
import { groupTargets, unitTargets, type Target } from '../../app/notify';
import type { Bulletin } from '../../app/ports/bulletins';
import type { Page } from '../../app/ports/owed-docs';

/**
 * 通报 (bulletins of praise or criticism): built from task codes and units, previewed to the sender or
 * published to the chosen chats; each publication is stored once (by its id) and audited.
 */
export interface BulletinRequest {
  kind: BulletinKind;
  title?: string;
  body: string;
  tasks: string[];
  units: string[];
}

export type Built = { ok: true; card: Card; doc: Omit<Bulletin, '_id' | 'targets' | 'createdAt'> } | { ok: false; message: string };

export class BulletinService {
  constructor(private readonly deps: AppDeps) {}

  mayPublish(p: Person): boolean {
    return hasRole(p, 'admin') || supervisedGroups(p).length > 0;
  }

  async build(r: BulletinRequest, by: Person): Promise<Built> {
    const org = await this.deps.orgs.get();
    const { settings, cal, clock } = this.deps;
    const now = clock.now();
    const items: Bulletin['items'] = [];
    for (const code of r.tasks) {
      const t = await this.deps.tasks.get(code);
      if (!t) return { ok: false, message: `找不到督办单 ${code}，请核对编号。` };
      const denied = refusal(by, 'view', t, org);
      if (denied) return { ok: false, message: denied };
      const light = lightOf(t, now, settings.tz, cal, settings.lights);
      items.push({ code: t.code, unit: t.leadUnit, text: `「${t.title}」${light.reason}` });
    }
    for (const u of r.units) {
      if (!org.unit(u)) return { ok: false, message: `找不到单位 ${u}。` };
      items.push({ unit: u, text: r.kind === '表扬' ? '予以通报表扬' : '予以通报批评' });
    }
    if (!items.length) return { ok: false, message: '请写明被通报的督办单编号或单位。' };
    const body = r.body.trim();
    if (!body) return { ok: false, message: '请写明通报内容。' };
    const title = r.title?.trim() || `关于督办事项办理情况的${r.kind === '表扬' ? '表扬' : '批评'}通报`;
    const group = supervisedGroups(by).map((g) => org.group(g)).find(Boolean);
    const publisher = group?.name ?? '督导办';
    const date = localDate(now, settings.tz);
    const card = bulletinCard({ kind: r.kind, title, body, items: items.map((i) => ({ code: i.code, unitName: org.unitName(i.unit), text: i.text })), publisher, date });
    return { ok: true, card, doc: { kind: r.kind, title, body, items, publisher, by: by.code, date } };
  }

  targetsOf(t: BulletinTargets, org: Org, here?: string): Target[] {
    const out: Target[] = [...t.units.flatMap((u) => unitTargets(org, u)), ...t.groups.flatMap((g) => groupTargets(org, g))];
    if (t.here && here) out.push({ type: 'chat_id', id: here });
    const seen = new Set<string>();
    return out.filter((x) => (seen.has(x.id) ? false : (seen.add(x.id), true)));
  }

  /** Stores the bulletin once under `id` and queues its card to every target; a repeat publishes nothing more. */
  async publish(id: string, built: Extract<Built, { ok: true }>, targets: Target[]): Promise<{ doc: Bulletin; created: boolean }> {
    const doc: Bulletin = { _id: id, ...built.doc, targets, createdAt: this.deps.clock.now() };
    const created = await this.deps.bulletins.addOnce(doc);
    const stored = created ? doc : (await this.deps.bulletins.get(id))!;
    if (created) await this.deps.audit.append({ entity: `bulletin:${id}`, at: doc.createdAt, by: doc.by, action: 'publish', note: doc.title, after: { kind: doc.kind, items: doc.items.length, targets: targets.length } });
    await this.deps.outbox.put(stored.targets.map((to) => ({ key: messageKey('bulletin', id, to.id), kind: 'send' as const, to, msgType: 'interactive' as const, content: built.card })));
    return { doc: stored, created };
  }

  list(limit: number, offset: number): Promise<Page<Bulletin>> {
    return this.deps.bulletins.list(limit, offset);
  }
}
