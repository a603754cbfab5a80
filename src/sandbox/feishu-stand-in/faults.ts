/** Faults injected for the next N matching calls, to drive a client through Feishu's failure modes. */

export type Fault =
  | { type: 'ratelimit'; resetSec: number; limit?: number }
  | { type: 'error'; httpStatus: number; code: number; msg: string }
  | { type: 'status'; status: 500 | 502 | 503 }
  /** Hold the response open for `ms`, then destroy the socket: the client must time out first. */
  | { type: 'hang'; ms: number }
  | { type: 'drop' }
  /** Answer 99991663 and revoke the presented token, as when Feishu invalidates it. */
  | { type: 'invalidToken' };

export interface FaultSpec {
  method?: string;
  /** RegExp, or a path where `:name` matches one segment and `*` anything (`/open-apis/im/v1/messages/:id`). */
  path: string | RegExp;
  /** How many matching calls to hit (default 1; `Infinity` for all until `clearFaults()`). */
  times?: number;
  fault: Fault;
}

interface Armed {
  method?: string;
  match: RegExp;
  left: number;
  fault: Fault;
}

export function pathPattern(path: string | RegExp): RegExp {
  if (path instanceof RegExp) return path;
  const body = path
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z_]\w*/g, '[^/]+'))
    .join('.*');
  return new RegExp(`^${body}$`);
}

export class Faults {
  private armed: Armed[] = [];

  inject(spec: FaultSpec): void {
    this.armed.push({
      method: spec.method?.toUpperCase(),
      match: pathPattern(spec.path),
      left: spec.times ?? 1,
      fault: spec.fault,
    });
  }

  /** The first armed fault matching this call, consumed by one use. */
  take(method: string, path: string): Fault | undefined {
    const hit = this.armed.find((a) => (!a.method || a.method === method) && a.match.test(path));
    if (!hit) return undefined;
    hit.left -= 1;
    if (hit.left <= 0) this.armed = this.armed.filter((a) => a !== hit);
    return hit.fault;
  }

  pending(): number {
    return this.armed.reduce((n, a) => n + a.left, 0);
  }

  clear(): void {
    this.armed = [];
  }
}
