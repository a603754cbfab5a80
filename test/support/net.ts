import net from 'node:net';

/**
 * Whether a TCP connection to host:port is accepted. 127.0.0.2 is loopback too (127/8 on Linux) but is
 * not 127.0.0.1: a server bound to 127.0.0.1 refuses it, one bound to every interface accepts it.
 */
export function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    s.setTimeout(2000, () => {
      s.destroy();
      resolve(false);
    });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
