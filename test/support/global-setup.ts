import { connect } from 'node:net';
import pg from 'pg';
import { TEST_POSTGRES_URL, TEST_REDIS_URL } from './service-urls.js';

const TIMEOUT_MS = 3_000;

async function checkPostgres(): Promise<string | null> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: TIMEOUT_MS });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    return (
      `PostgreSQL is not reachable at ${TEST_POSTGRES_URL} (${describe(error)}).\n` +
      `  Start it (e.g. \`service postgresql start\` or ` +
      `\`docker run -d -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust -e POSTGRES_DB=test postgres\`) ` +
      `and make sure database "test" exists, or point TEST_POSTGRES_URL at one.`
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Sends PING (after AUTH when the URL carries a password) and expects +PONG. */
function pingRedis(url: URL): Promise<void> {
  const command = (...parts: string[]) =>
    `*${parts.length}\r\n` + parts.map((part) => `$${Buffer.byteLength(part)}\r\n${part}\r\n`).join('');
  const password = decodeURIComponent(url.password);
  const username = decodeURIComponent(url.username);
  const auth = password ? (username ? command('AUTH', username, password) : command('AUTH', password)) : '';
  return new Promise((resolve, reject) => {
    const socket = connect({ host: url.hostname || '127.0.0.1', port: Number(url.port || 6379) });
    let received = '';
    socket.setTimeout(TIMEOUT_MS, () => socket.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    socket.once('error', reject);
    // Settles a promise that is still open: Node would otherwise exit quietly with the check unfinished.
    socket.once('close', () => reject(new Error(`closed without +PONG, got ${JSON.stringify(received.slice(0, 80))}`)));
    socket.once('connect', () => socket.write(auth + command('PING')));
    socket.on('data', (chunk) => {
      received += chunk.toString('utf8');
      if (received.includes('+PONG\r\n')) {
        socket.end();
        resolve();
      } else if (received.startsWith('-') || received.includes('\r\n-')) {
        socket.destroy();
        reject(new Error(received.trim()));
      }
    });
  });
}

async function checkRedis(): Promise<string | null> {
  try {
    await pingRedis(new URL(TEST_REDIS_URL));
    return null;
  } catch (error) {
    return (
      `Redis is not reachable at ${TEST_REDIS_URL} (${describe(error)}).\n` +
      `  Start it (e.g. \`redis-server --daemonize yes\` or \`docker run -d -p 6379:6379 redis\`), ` +
      `or point TEST_REDIS_URL at one.`
    );
  }
}

function describe(error: unknown): string {
  if (error instanceof AggregateError) return error.errors.map(describe).join('; ');
  return error instanceof Error ? error.message || error.name : String(error);
}

/** vitest globalSetup: the suite needs both services and refuses to run without them. */
export default async function requireTestServices(): Promise<void> {
  const problems = (await Promise.all([checkPostgres(), checkRedis()])).filter((problem) => problem !== null);
  if (problems.length > 0) {
    const rule = '='.repeat(78);
    throw new Error(
      `\n${rule}\nTEST SERVICES MISSING — the suite needs PostgreSQL and Redis and will not run without them.\n\n` +
        `${problems.join('\n\n')}\n${rule}`,
    );
  }
}
