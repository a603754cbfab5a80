/** A clock that moves only when told, for the fake's `now` option: tests never sleep to pass time. */
export interface ManualClock {
  now: () => number;
  advance: (ms: number) => void;
  set: (ms: number) => void;
}

export function manualClock(startMs = Date.parse('2026-03-02T09:00:00+08:00')): ManualClock {
  let t = startMs;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
    set: (ms) => {
      t = ms;
    },
  };
}
