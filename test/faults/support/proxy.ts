import net from 'node:net';

/**
 * A TCP proxy in front of the database for fault tests: the service under test connects through it.
 * - `pass`: bytes flow both ways.
 * - `refuse`: open connections are reset and new ones are reset as soon as they arrive (a database that
 *   is down or a port that is closed).
 * - `swallow`: nothing flows: open connections stall and new ones are accepted and left waiting (a network
 *   that drops packets). Like TCP after a partition heals, what was held back flows on `pass`.
 * Counts what it saw, for the test's report.
 */
export type ProxyMode = 'pass' | 'refuse' | 'swallow';

interface Pair {
  client: net.Socket;
  upstream?: net.Socket;
}

export class FaultProxy {
  private mode: ProxyMode = 'pass';
  private readonly pairs = new Set<Pair>();
  readonly stats = { accepted: 0, refused: 0, reset: 0 };

  private constructor(
    private readonly server: net.Server,
    private readonly target: { host: string; port: number },
  ) {}

  /** Listens on a free port of 127.0.0.1 and forwards to `targetUri`'s host and port. */
  static async start(targetUri: string): Promise<FaultProxy> {
    const m = /^mongodb:\/\/(?:[^@/]*@)?([^:/]+):(\d+)/.exec(targetUri);
    if (!m) throw new Error(`FaultProxy: cannot read host and port from ${targetUri}`);
    const server = net.createServer();
    const proxy = new FaultProxy(server, { host: m[1], port: Number(m[2]) });
    server.on('connection', (s) => proxy.accept(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** The URI to give the service: the target's, through the proxy. */
  uri(targetUri: string): string {
    return targetUri.replace(/^mongodb:\/\/([^@/]*@)?[^:/]+:\d+/, (_all, auth: string | undefined) => `mongodb://${auth ?? ''}127.0.0.1:${this.port}`);
  }

  get current(): ProxyMode {
    return this.mode;
  }

  set(mode: ProxyMode): void {
    this.mode = mode;
    for (const p of [...this.pairs]) {
      if (mode === 'refuse') this.drop(p);
      else if (mode === 'swallow') this.hold(p);
      else this.flow(p);
    }
  }

  async close(): Promise<void> {
    for (const p of [...this.pairs]) this.drop(p);
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private accept(client: net.Socket): void {
    if (this.mode === 'refuse') {
      this.stats.refused++;
      client.resetAndDestroy();
      return;
    }
    this.stats.accepted++;
    const pair: Pair = { client };
    this.pairs.add(pair);
    client.on('error', () => this.drop(pair));
    client.on('close', () => this.drop(pair));
    client.pause();
    if (this.mode === 'pass') this.flow(pair);
  }

  /** Connects upstream (once) and lets bytes through both ways. */
  private flow(p: Pair): void {
    if (!p.upstream) {
      const up = net.connect(this.target.port, this.target.host);
      p.upstream = up;
      up.on('error', () => this.drop(p));
      up.on('close', () => this.drop(p));
      up.on('data', (c) => p.client.write(c));
      p.client.on('data', (c) => up.write(c));
    }
    p.client.resume();
    p.upstream.resume();
  }

  /** Stops reading both ways: the peers' writes wait in socket buffers, as over a silent network. */
  private hold(p: Pair): void {
    p.client.pause();
    p.upstream?.pause();
  }

  private drop(p: Pair): void {
    if (!this.pairs.delete(p)) return;
    this.stats.reset++;
    if (!p.client.destroyed) p.client.resetAndDestroy();
    if (p.upstream && !p.upstream.destroyed) p.upstream.resetAndDestroy();
  }
}
