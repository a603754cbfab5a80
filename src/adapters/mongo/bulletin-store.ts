import type { Bulletin, BulletinStore } from '../../app/ports/bulletins';
import type { Page } from '../../app/ports/owed-docs';
import { insertNew } from './insert-new';
import type { Models } from './models';

export class MongoBulletins implements BulletinStore {
  constructor(private readonly models: Pick<Models, 'bulletins'>) {}

  async addOnce(b: Bulletin): Promise<boolean> {
    return (await insertNew(this.models.bulletins, [b])).size > 0;
  }

  async get(id: string): Promise<Bulletin | null> {
    return this.models.bulletins.findById(id).lean<Bulletin>();
  }

  async list(limit: number, offset: number): Promise<Page<Bulletin>> {
    const [items, total] = await Promise.all([this.models.bulletins.find().sort({ createdAt: -1 }).skip(offset).limit(limit).lean<Bulletin[]>(), this.models.bulletins.countDocuments()]);
    return { items, total };
  }
}
