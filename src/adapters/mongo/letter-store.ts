import type { Letter, LetterStore } from '../../app/ports/letters';
import type { Models } from './models';
import { LETTER_SCHEMA_VERSION } from './models/letters';

export class MongoLetters implements LetterStore {
  constructor(private readonly models: Pick<Models, 'letters'>) {}

  async numbersOf(code: string): Promise<Pick<Letter, '_id' | 'year' | 'number'>[]> {
    return this.models.letters.find({ code }, { _id: 1, year: 1, number: 1 }).lean<Pick<Letter, '_id' | 'year' | 'number'>[]>();
  }

  async ofTasks(codes: string[]): Promise<Letter[]> {
    return this.models.letters.find({ code: { $in: codes } }).lean<Letter[]>();
  }

  async deadlinesOf(codes: string[]): Promise<Pick<Letter, 'code' | 'deadline'>[]> {
    return this.models.letters.find({ code: { $in: codes } }, { code: 1, deadline: 1 }).lean<Pick<Letter, 'code' | 'deadline'>[]>();
  }

  async ofRuns(runs: string[]): Promise<Letter[]> {
    return this.models.letters.find({ run: { $in: runs } }).lean<Letter[]>();
  }

  async lastNumber(year: number): Promise<number> {
    return (await this.models.letters.findOne({ year }, { number: 1 }).sort({ number: -1 }).lean<{ number: number }>())?.number ?? 0;
  }

  async addInOrder(letters: Letter[]): Promise<void> {
    // in ordered chunks: a failure stops there
    for (let i = 0; i < letters.length; i += 1000) await this.models.letters.collection.insertMany(letters.slice(i, i + 1000).map((l) => ({ ...l, schemaVersion: l.schemaVersion ?? LETTER_SCHEMA_VERSION })) as never[], { ordered: true }); // the driver's types expect an ObjectId _id
  }

  async *issuedBetween(from: string, to: string): AsyncIterable<Pick<Letter, '_id' | 'unit' | 'group' | 'issuedOn'>> {
    for await (const l of this.models.letters.collection.find({ issuedOn: { $gte: from, $lte: to } }, { projection: { unit: 1, group: 1, issuedOn: 1 } })) {
      yield { _id: String(l._id), unit: l.unit as string, group: l.group as string, issuedOn: l.issuedOn as string };
    }
  }
}
