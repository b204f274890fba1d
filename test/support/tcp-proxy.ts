import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a shared service (the suite's PostgreSQL or Redis), so a test can make
 * that service look dead to one app without touching what other tests use:
 * - `freeze()`: connections stay open but nothing gets through (a hung server); what was sent
 *   meanwhile is delivered on `restore()`, so the connections are still usable after;
 * - `cut()`: every connection is dropped and new ones are refused (a stopped server);
 * - `restore()`: back to normal, on the same port.
 */
export class TcpProxy {
  private server: Server | null = null;
  private readonly pairs = new Set<[Socket, Socket]>();
  private frozen = false;
  /** What arrived while frozen, per destination, in order. */
  private readonly held = new Map<Socket, Buffer[]>();

  private constructor(
    private readonly target: { host: string; port: number },
    public port: number,
  ) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy = new TcpProxy(target, 0);
    await proxy.listen();
    return proxy;
  }

  /** `redis://127.0.0.1:6379` with the proxy's port in place of the target's. */
  static async before(url: string): Promise<{ proxy: TcpProxy; url: string }> {
    const parsed = new URL(url);
    const proxy = await TcpProxy.start({ host: parsed.hostname, port: Number(parsed.port) });
    parsed.port = String(proxy.port);
    return { proxy, url: parsed.toString() };
  }

  freeze(): void {
    this.frozen = true;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const [client, upstream] of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    this.pairs.clear();
    this.held.clear();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }

  async restore(): Promise<void> {
    this.frozen = false;
    for (const [socket, chunks] of this.held) if (!socket.destroyed) for (const chunk of chunks) socket.write(chunk);
    this.held.clear();
    if (!this.server) await this.listen();
  }

  async stop(): Promise<void> {
    await this.cut();
  }

  private listen(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      const pair: [Socket, Socket] = [client, upstream];
      this.pairs.add(pair);
      const forward = (from: Socket, to: Socket) =>
        from.on('data', (chunk: Buffer) => {
          if (!this.frozen) to.write(chunk);
          else this.held.set(to, [...(this.held.get(to) ?? []), chunk]);
        });
      forward(client, upstream);
      forward(upstream, client);
      const close = () => {
        this.pairs.delete(pair);
        client.destroy();
        upstream.destroy();
      };
      client.on('close', close).on('error', close);
      upstream.on('close', close).on('error', close);
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        this.port = (server.address() as { port: number }).port;
        resolve();
      });
    });
  }
}
