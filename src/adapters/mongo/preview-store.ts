import type { OrderLists, Preview, PreviewStore } from '../../app/ports/previews';
import type { Models } from './models';
import { PREVIEW_SCHEMA_VERSION } from './models/previews';

/** previews, read and written by _id (FerretDB reads the whole collection for any other filter). */
export class MongoPreviews implements PreviewStore {
  constructor(private readonly models: Pick<Models, 'previews'>) {}

  async add(p: Preview): Promise<Preview> {
    await this.models.previews.collection.insertOne({ ...p, schemaVersion: p.schemaVersion ?? PREVIEW_SCHEMA_VERSION } as never).catch((e: { code?: number }) => {
      if (e?.code !== 11000) throw e; // the same message delivered twice: the same preview
    });
    return (await this.get(p._id))!;
  }

  async get(id: string): Promise<Preview | null> {
    return this.models.previews.findById(id).lean<Preview>();
  }

  async decide(id: string, d: { state: 'confirmed' | 'cancelled'; codes?: string[]; decidedAt: Date; decidedBy: string }): Promise<void> {
    await this.models.previews.updateOne({ _id: id }, { $set: d });
  }
}

/**
 * An order's list of tasks, read by _id: on FerretDB's SQLite handler a query by `order` reads every
 * task. A confirmed preview keeps its codes, a recorded (done) meeting its items' tasks.
 */
export class MongoOrderLists implements OrderLists {
  constructor(private readonly models: Pick<Models, 'previews' | 'meetings'>) {}

  async codes(orderId: string): Promise<string[] | undefined> {
    const preview = await this.models.previews.findById(orderId, { state: 1, codes: 1 }).lean<Pick<Preview, 'state' | 'codes'>>();
    if (preview) return preview.state === 'confirmed' ? preview.codes : undefined;
    const m = await this.models.meetings.findById(orderId, { state: 1, items: 1 }).lean<{ state: string; items: { tasks?: string[] }[] }>();
    return m?.state === 'done' ? m.items.flatMap((it) => it.tasks ?? []) : undefined;
  }
}
