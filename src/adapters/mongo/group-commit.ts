/**
 * Group commit (docs/architecture.md#the-hot-path): requests made within `windowMs` of the first one go to
 * the database together, in one round trip, up to `max` at a time. `flush` answers each item (a value, or
 * an Error for that item alone); a flush that throws fails every item of its batch. Items submitted in one
 * call travel in one batch (an event's claim beside its message ids).
 */
export interface GroupCommitOptions {
  windowMs: number;
  max: number;
}

interface Waiting<In, Out> {
  item: In;
  resolve(v: Out): void;
  reject(e: unknown): void;
}

export class GroupCommit<In, Out> {
  private pending: Waiting<In, Out>[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly flush: (items: In[]) => Promise<(Out | Error)[]>,
    private readonly opts: GroupCommitOptions,
  ) {}

  submit(items: readonly In[]): Promise<Out[]> {
    if (this.pending.length + items.length > this.opts.max) this.flushNow(); // kept together in the next batch
    const answers = items.map((item) => new Promise<Out>((resolve, reject) => this.pending.push({ item, resolve, reject })));
    if (this.pending.length >= this.opts.max) this.flushNow();
    else this.timer ??= setTimeout(() => this.flushNow(), this.opts.windowMs);
    return Promise.all(answers);
  }

  private flushNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (!batch.length) return;
    this.flush(batch.map((w) => w.item)).then(
      (results) =>
        batch.forEach((w, i) => {
          const r = results[i];
          if (r instanceof Error) w.reject(r);
          else w.resolve(r);
        }),
      (err) => batch.forEach((w) => w.reject(err)),
    );
  }
}
