/**
 * The business clock. Normally the machine's time; with CLOCK_START (demos, training, acceptance tests)
 * it starts at that moment and runs on at normal speed, and the sandbox console may move it.
 * Infrastructure timing (locks, retries, token expiry) uses the machine's time, never this.
 *
 * The rule (docs/architecture.md#time): business time comes from the injected clock
 * (`deps.clock.now()`); machine time — timeouts, retries, leases, latency, cache expiry, retention,
 * technical stamps on queue and run records — goes through `machineNow()` / `machineDate()` below, so
 * that `grep -rn "Date.now()\|new Date()" src` finds nothing outside this file.
 */

/** The machine's time in ms since the epoch: timeouts, retries, leases, latency, cache expiry. Never business time. */
export function machineNow(): number {
  return Date.now();
}

/** The machine's time as a Date, for technical stamps (a queue row's createdAt, a run's startedAt). Never business time. */
export function machineDate(): Date {
  return new Date(machineNow());
}
export interface Clock {
  now(): Date;
}

export class AppClock implements Clock {
  private offsetMs = 0;

  constructor(start?: Date, private readonly wall: () => number = machineNow) {
    if (start) this.offsetMs = start.getTime() - wall();
  }

  now(): Date {
    return new Date(this.wall() + this.offsetMs);
  }

  /** Moves the clock so that it reads `at` now, then runs on from there. */
  set(at: Date): void {
    this.offsetMs = at.getTime() - this.wall();
  }

  get shifted(): boolean {
    return this.offsetMs !== 0;
  }
}

/** A clock that stands still until told to move: for tests. */
export class FixedClock implements Clock {
  constructor(private at: Date) {}
  now(): Date {
    return new Date(this.at);
  }
  set(at: Date): void {
    this.at = at;
  }
}
