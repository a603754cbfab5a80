/**
 * Group commit (docs/architecture.md#the-hot-path): requests made within `windowMs` of the first one go to
 * the database together, in one round trip, up to `max` at a time. One batch is in the database at a
 * time: what arrives meanwhile waits and goes whole as the next batch when it is answered (or after
 * `holdMs`, should the database stall), so a busy database gets fewer, larger batches. `flush` answers each item (a value, or an Error for that item
 * alone); a flush that throws fails every item of its batch. Items submitted in one call travel in one
 * batch (an event's claim beside its message ids).
 */
type WriteError = { code?: number; index?: number; errmsg?: string };

/**
 * The per-document outcome of an unordered insertMany that threw: true inserted, false a duplicate
 * (E11000), an Error otherwise. Throws `e` itself when the batch failed as a whole (no per-document
 * errors, or a write concern error): every request in it fails.
 */
export function insertOutcomes(n: number, e: unknown): (boolean | Error)[] {
  const err = e as { writeErrors?: WriteError[] | WriteError; writeConcernError?: unknown };
  const writeErrors = Array.isArray(err.writeErrors) ? err.writeErrors : err.writeErrors ? [err.writeErrors] : [];
  if (!writeErrors.length || err.writeConcernError || writeErrors.some((w) => typeof w.index !== 'number')) throw e; // the batch as a whole
  const out: (boolean | Error)[] = Array.from({ length: n }, () => true);
  for (const w of writeErrors) out[w.index!] = w.code === 11000 ? false : new Error(w.errmsg ?? `not written (code ${w.code})`);
  return out;
}

export interface GroupCommitOptions {
  windowMs: number;
  max: number;
  /** A batch still in the database after this lets the next one go (a stalled call never holds the rest back); default 50 ms. */
  holdMs?: number;
}

interface Waiting<In, Out> {
  item: In;
  /** The first item of its `submit` call (batches are cut only before one). */
  first: boolean;
  resolve(v: Out): void;
  reject(e: unknown): void;
}

export class GroupCommit<In, Out> {
  private pending: Waiting<In, Out>[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** A batch is in the database: what comes meanwhile waits for it and goes as the next batch, whole. */
  private inFlight = false;

  constructor(
    private readonly flush: (items: In[]) => Promise<(Out | Error)[]>,
    private readonly opts: GroupCommitOptions,
  ) {}

  submit(items: readonly In[]): Promise<Out[]> {
    if (this.pending.length + items.length > this.opts.max) this.flushNow(); // kept together in the next batch
    const answers = items.map((item, i) => new Promise<Out>((resolve, reject) => this.pending.push({ item, first: i === 0, resolve, reject })));
    if (this.pending.length >= this.opts.max) this.flushNow();
    else this.timer ??= setTimeout(() => this.flushNow(), this.opts.windowMs);
    return Promise.all(answers);
  }

  private flushNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.inFlight) return; // sent when the batch in the database is answered
    const batch = this.pending.splice(0, this.cut());
    if (!batch.length) return;
    this.inFlight = true;
    let released = false;
    const next = () => {
      if (released) return;
      released = true;
      clearTimeout(hold);
      this.inFlight = false;
      if (this.pending.length) this.flushNow();
    };
    const hold = setTimeout(next, this.opts.holdMs ?? 50);
    this.flush(batch.map((w) => w.item)).finally(next).then(
      (results) =>
        batch.forEach((w, i) => {
          const r = results[i];
          if (r instanceof Error) w.reject(r);
          else w.resolve(r);
        }),
      (err) => batch.forEach((w) => w.reject(err)),
    );
  }

  /** How many pending items the next batch takes: all, or up to `max` cut before a call's first item (a call larger than `max` goes whole). */
  private cut(): number {
    const { max } = this.opts;
    if (this.pending.length <= max) return this.pending.length;
    const starts = this.pending.flatMap((w, i) => (w.first && i > 0 ? [i] : []));
    const within = starts.filter((i) => i <= max);
    return within.at(-1) ?? starts[0] ?? this.pending.length;
  }
}
