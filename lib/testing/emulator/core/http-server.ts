import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EmulatorClock } from './clock.js';
import type { FaultInjector } from './faults.js';
import type { IssuedSecrets } from './issued-secrets.js';
import type { EmulatorRequest, EmulatorResponse } from './http-types.js';
import type { RequestLog } from './request-log.js';
import type { Router } from './router.js';

export interface EmulatorServerParts {
  router: Router;
  faults: FaultInjector;
  log: RequestLog;
  clock: EmulatorClock;
  internalError: () => EmulatorResponse;
  issued: IssuedSecrets;
  /** Wraps routing (after faults), e.g. to check requests and answers against a contract. */
  around?: (request: EmulatorRequest, route: () => Promise<EmulatorResponse>) => Promise<EmulatorResponse>;
}

/** The node:http server: reads each request, applies faults, routes it, logs it. */
export class EmulatorHttpServer {
  private readonly server: Server;

  constructor(private readonly parts: EmulatorServerParts) {
    this.server = createServer((incoming, outgoing) => {
      this.serve(incoming, outgoing).catch(() => outgoing.destroy());
    });
  }

  async listen(port: number, host: string): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address() as AddressInfo;
    const hostInUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${hostInUrl}:${address.port}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async serve(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
    const at = this.parts.clock.now();
    const request = await readRequest(incoming);
    let response: EmulatorResponse;
    try {
      response = await this.answer(request);
    } catch (error) {
      console.error('[fitbit-emulator] route failed', error);
      response = this.parts.internalError();
    }
    this.parts.log.record(request, response.status, at);
    this.parts.issued.recordFrom(response);
    outgoing.writeHead(response.status, response.headers ?? {});
    outgoing.end(response.body ?? '');
  }

  private async answer(request: EmulatorRequest): Promise<EmulatorResponse> {
    const fault = this.parts.faults.actionFor(request);
    if (fault && fault.delayMs > 0) await sleep(fault.delayMs);
    if (fault?.response) return fault.response;
    const route = () => this.parts.router.dispatch(request);
    return this.parts.around ? this.parts.around(request, route) : route();
  }
}

async function readRequest(incoming: IncomingMessage): Promise<EmulatorRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  const url = new URL(incoming.url ?? '/', 'http://emulator.invalid');
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] ??= value;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return {
    method: (incoming.method ?? 'GET').toUpperCase(),
    path: url.pathname,
    query,
    search: url.search.slice(1),
    headers,
    body: Buffer.concat(chunks).toString('utf8'),
  };
}
