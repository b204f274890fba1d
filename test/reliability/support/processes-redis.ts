import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../subscriptions/support/subscriptions-fixture.js';
import { spawnRedisServer } from '../../support/redis-server.js';

/**
 * A redis-server of the test's own on a free port (never the shared one), configured the way the
 * README asks production to run it: persistent, here an append-only file fsync'd on every write, so
 * whatever Redis acknowledged survives a SIGKILL and a restart on the same port and directory.
 */
export class PersistentRedis {
  private child: ChildProcess | null = null;

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(): Promise<PersistentRedis> {
    const redis = new PersistentRedis(await freePort(), mkdtempSync(join(tmpdir(), 'reliability-redis-')));
    await redis.resume();
    return redis;
  }

  get queueConnection() {
    return { host: '127.0.0.1', port: this.port };
  }

  /** Starts (again) on the same port and data directory; resolves once it accepts connections. */
  async resume(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always'];
    this.child = await spawnRedisServer(args);
  }

  /** SIGKILL: no shutdown save, no goodbye to the clients; an outage, not a maintenance stop. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
