import pino from 'pino';
import { chineseDaysSource } from '../src/adapters/chinese-days-source';
import { mongoLeadersPorts } from '../src/adapters/mongo/leaders-ports';
import { Locks } from '../src/adapters/mongo/lock';
import type { Models } from '../src/adapters/mongo/models';
import { OutboxStore } from '../src/adapters/mongo/outbox-store';
import { mongoCorePorts } from '../src/adapters/mongo/core-ports';
import type { WiredDeps } from '../src/adapters/mongo/models';
import { FileMakers } from '../src/app/files-out';
import { FixedClock } from '../src/clock';
import { WorkCalendar } from '../src/domain/calendar';
import type { Org } from '../src/domain/org';

/** The app's dependencies over a seeded database, on a fixed clock and a silent log: what a bench drives. */
export function seededAppDeps(models: Models, org: Org, now: Date): WiredDeps {
  const locks = new Locks(models.locks);
  const outbox = new OutboxStore(models);
  const core = mongoCorePorts(models, { locks, outbox, orgs: { get: async () => org, invalidate: () => undefined } });
  const clock = new FixedClock(now);
  return {
    settings: { tz: 'Asia/Shanghai', lights: { yellowWorkdays: 3, lagPoints: 30 }, categories: ['其他'], meetingSource: '调度会' },
    models,
    ...core,
    clock,
    cal: new WorkCalendar(chineseDaysSource()),
    log: pino({ level: 'silent' }),
    files: new FileMakers(),
    botOpenId: () => undefined,
    ...mongoLeadersPorts(models, { locks, relay: { put: (items) => outbox.put(items), expand: (items) => core.tasks.expand(items) }, clock }),
  };
}
