/**
 * Issue #8, item 6: hostile input. A bounded, seeded fuzz run over every route of the module on
 * two app processes (subscriptions on, worker off, one PostgreSQL, one Redis): random methods,
 * paths and path tricks, query strings, headers and cookies, malformed and oversized JSON and
 * multipart bodies, notification batches with forged or missing signatures. It asserts no 5xx,
 * no crash, no job queued from an unsigned body, and no redirect off-site; then a handful of
 * correctly signed notifications prove the job count it reads would have seen a job.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import Bull from 'bull';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OAUTH_STATE_COOKIE } from '../../lib/auth/sealed-cookie-state.store.js';
import type { FitbitEmulator } from '../../lib/testing/index.js';
import type { AppProcess } from '../support/app-processes.js';
import { createPostgresDataSource, type TestDataSource } from '../support/databases.js';
import { CLIENT_SECRET, emulatorOptions, PROVIDERS, startEmulator, WEBHOOK_AUTHORIZATION } from '../support/fitbit-fixture.js';
import { FITBIT_QUEUE } from '../../lib/fitbit.constants.js';
import { isolatedQueueOptions } from '../support/fitbit-queue.js';
import { TEST_USER_HEADER } from '../support/test-sign-in.js';
import { assertAlive, connectionOf, inPool, rawRequest, startApps, stopAll, summary } from './support/cluster.js';
import { generateFuzzRequests, type FuzzContext, type FuzzRequest, type HarvestedLogin } from './support/hostile-requests.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20_260_801);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 3000);
const CONCURRENCY = 20;
const VERIFICATION_CODE = 'reliability-verification-code';
/** Bodies the server may refuse before reading them all (body-parser's 100 kB JSON limit, busboy's 1 MB file limit). */
const EARLY_REFUSAL_BYTES = 100_000;

/** Captures one delivery the emulator makes, so a correctly signed body can be replayed altered. */
async function captureDelivery(send: (url: string) => Promise<unknown>): Promise<{ body: string; headers: Record<string, string> }> {
  let captured: { body: string; headers: IncomingHttpHeaders } | null = null;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      captured = { body: Buffer.concat(chunks).toString('utf8'), headers: req.headers };
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await send(`http://127.0.0.1:${(server.address() as AddressInfo).port}/capture`);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
  const { body, headers } = captured!;
  const keep = ['content-type', 'authorization', 'x-healthapi-signature', 'google-health-api-signature', 'x-fitbit-signature'];
  return { body, headers: Object.fromEntries(keep.filter((name) => typeof headers[name] === 'string').map((name) => [name, headers[name] as string])) };
}

describe.each(PROVIDERS)('hostile input over two app processes (subscriptions on, %s)', (provider) => {
  let emulator: FitbitEmulator;
  let dataSource: TestDataSource;
  let processes: AppProcess[] = [];
  let urls: string[] = [];
  let queue: Bull.Queue;
  const queueOptions = isolatedQueueOptions(`hostile-${provider}`);

  beforeAll(async () => {
    emulator = await startEmulator({ provider, rateLimitPerHour: 1_000_000, rateLimitPerMinute: 1_000_000 });
    dataSource = await createPostgresDataSource();
    const setup = {
      database: connectionOf(dataSource),
      fitbit: emulatorOptions(emulator, { subscriberId: 'reliability', queue: queueOptions, verificationCode: VERIFICATION_CODE }),
      subscribe: true,
      worker: false,
    };
    processes = await startApps([setup, setup]);
    urls = processes.map((process) => process.url!);
    queue = new Bull(FITBIT_QUEUE, { redis: queueOptions.redis, prefix: queueOptions.prefix });
  }, 120_000);
  afterAll(async () => {
    await stopAll(processes);
    if (queue) {
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
    }
    await dataSource?.destroy();
    await emulator?.stop();
  });

  const jobCount = async () => Object.values(await queue.getJobCounts()).reduce((sum, count) => sum + count, 0);

  /** Real pending logins on both processes: their sealed cookies and states feed forgeries at complete/. */
  async function harvestLogins(): Promise<HarvestedLogin[]> {
    emulator.setConsentUser(emulator.addUser().id);
    const logins: HarvestedLogin[] = [];
    for (const [index, url] of urls.entries()) {
      for (const appUserId of ['1', '2', '3']) {
        const response = await fetch(`${url}/fitbit/login/`, { redirect: 'manual', headers: { [TEST_USER_HEADER]: appUserId } });
        expect(response.status).toBe(302);
        const state = new URL(response.headers.get('location')!).searchParams.get('state')!;
        const cookie = response.headers
          .getSetCookie()
          .map((line) => line.split(';')[0]!)
          .find((pair) => pair.startsWith(`${OAUTH_STATE_COOKIE}=`))!
          .slice(OAUTH_STATE_COOKIE.length + 1);
        logins.push({ cookie, state, appUserId: index === 0 ? appUserId : String(Number(appUserId) + 10) });
      }
    }
    return logins;
  }

  /** Where a browser at `appUrl` would go for this Location: allowed are the app's own origin and, from login/, the provider's consent page. */
  function redirectProblem(appUrl: string, request: FuzzRequest, location: string): string | null {
    let resolved: URL;
    try {
      resolved = new URL(location, `${appUrl}${request.path.startsWith('/') ? '' : '/'}`);
    } catch {
      return `unparseable Location ${JSON.stringify(location)}`;
    }
    const appOrigin = new URL(appUrl).origin;
    if (resolved.origin === appOrigin) return /[\r\n]/.test(location) ? `header injection in ${JSON.stringify(location)}` : null;
    if (location.startsWith(`${emulator.urls.authorizeUrl}?`)) {
      // The provider sends the browser back only to a registered redirect_uri, but it must not name another host.
      // (For an absolute-form request line, passport joins Host and the whole target and loses the port: same host, harmless.)
      const redirectUri = resolved.searchParams.get('redirect_uri');
      if (!redirectUri || new URL(redirectUri).hostname !== new URL(appUrl).hostname) return `authorize redirect_uri off-site: ${redirectUri}`;
      return null;
    }
    return `off-site redirect to ${JSON.stringify(location.slice(0, 200))}`;
  }

  it(`survives ${REQUESTS} seeded hostile requests (seed ${SEED}) with no 5xx, no off-site redirect and no job queued`, async () => {
    const googleKeyId =
      provider === 'google-health' ? ((await (await fetch(emulator.urls.keysetUrl!)).json()) as { primaryKeyId: number }).primaryKeyId : null;
    const googleSigned =
      provider === 'google-health'
        ? await captureDelivery((url) => emulator.sendGoogleNotification(url, emulator.googleNotification(emulator.addUser().id, 'steps', { startDate: '2026-03-01' })))
        : null;
    const context: FuzzContext = {
      provider,
      processes: urls.length,
      clientSecret: CLIENT_SECRET,
      webhookAuthorization: WEBHOOK_AUTHORIZATION,
      googleKeyId,
      googleSigned,
      logins: await harvestLogins(),
      verificationCode: VERIFICATION_CODE,
    };
    const requests = generateFuzzRequests(SEED + (provider === 'fitbit' ? 0 : 1), REQUESTS, context);
    expect(await jobCount()).toBe(0);

    const statuses = new Map<number, number>();
    const serverErrors: string[] = [];
    const offSite: string[] = [];
    const networkErrors: string[] = [];
    let earlyRefusals = 0;
    let bytesSent = 0;
    const started = Date.now();
    await inPool(requests, CONCURRENCY, async (request) => {
      bytesSent += request.bodyBytes;
      const appUrl = urls[request.target]!;
      const describe = `${request.kind} ${request.method} ${request.path.slice(0, 160)}`;
      try {
        const response = await rawRequest(appUrl, request);
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (response.status >= 500) serverErrors.push(`${response.status} ${describe} ${response.body.toString('utf8').slice(0, 200)}`);
        const location = response.headers.location;
        if (response.status >= 300 && response.status < 400 && typeof location === 'string') {
          const problem = redirectProblem(appUrl, request, location);
          if (problem) offSite.push(`${problem} ← ${describe}`);
        }
      } catch (error) {
        // A server may refuse an oversized body or header block and close before reading it all.
        if (request.bodyBytes > EARLY_REFUSAL_BYTES || request.path.length > 16_000) earlyRefusals += 1;
        else networkErrors.push(`${(error as Error).message} ← ${describe}`);
      }
    });
    const elapsedMs = Date.now() - started;
    const count5xx = serverErrors.length;
    const forgedBatches = requests.filter((request) => request.forgedBatch && request.method === 'POST').length;
    const statusList = [...statuses.entries()].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`).join(' ');
    const fuzzFigures =
      `hostile-input (${provider}): ${requests.length} requests (seed ${SEED}, ${(bytesSent / 1e6).toFixed(1)} MB of bodies, ${CONCURRENCY} in flight, ` +
      `${elapsedMs} ms) over 2 processes, ${forgedBatches} valid-looking batches with forged/missing signatures, ${count5xx} 5xx, ` +
      `${offSite.length} off-site redirects`;
    const crashed = processes.filter((process) => process.child.exitCode !== null || process.child.signalCode !== null).length;
    if (crashed > 0) summary(`${fuzzFigures}, ${crashed} of ${processes.length} app processes CRASHED, ${networkErrors.length} connection errors`);
    assertAlive(processes);
    const unhandled = processes.flatMap((process) => process.output().split('\n').filter((line) => /ExceptionsHandler|Unhandled|uncaught/i.test(line)));
    const jobsAfterFuzz = await jobCount();

    // Both processes still answer, with the right answers.
    for (const url of urls) {
      expect((await fetch(`${url}/fitbit/error/`, { headers: { [TEST_USER_HEADER]: '1' } })).status).toBe(200);
      const data = await fetch(`${url}/fitbit/get_data/activities/steps/?period=7d`, { headers: { [TEST_USER_HEADER]: '1' } });
      expect(((await data.json()) as { meta: { status_code: number } }).meta.status_code).toBe(100);
      expect((await fetch(`${url}/fitbit/update/?verify=${VERIFICATION_CODE}`)).status).toBe(provider === 'fitbit' ? 204 : 404);
    }

    // The counter works: correctly signed notifications on each process do queue jobs.
    const signedStatuses: number[] = [];
    for (const url of urls) {
      const user = emulator.addUser();
      const updateUrl = `${url}/fitbit/update/`;
      if (provider === 'fitbit') {
        const date = emulator.todayOf(user.id);
        const batch = [{ collectionType: 'activities', date, ownerId: user.id, ownerType: 'user' as const, subscriptionId: '1' }];
        signedStatuses.push((await emulator.sendNotifications(updateUrl, batch)).status);
        signedStatuses.push((await emulator.sendNotifications(updateUrl, batch, { format: 'multipart' })).status);
      } else {
        signedStatuses.push((await emulator.sendGoogleNotification(updateUrl, emulator.googleNotification(user.id, 'steps', { startDate: '2026-03-01' }))).status);
        // The captured delivery, replayed unaltered, is accepted too: what the fuzz altered was the only difference.
        const replay = await fetch(updateUrl, { method: 'POST', headers: googleSigned!.headers, body: googleSigned!.body });
        signedStatuses.push(replay.status);
      }
    }
    const jobsAfterSigned = await jobCount();

    summary(
      `${fuzzFigures}, 0 crashes, ${jobsAfterFuzz} jobs queued from unsigned bodies, ` +
        `${earlyRefusals} oversized requests refused early, ${networkErrors.length} other connection errors; statuses ${statusList}; ` +
        `signed check: ${signedStatuses.length} signed deliveries → ${jobsAfterSigned} jobs`,
    );
    expect(serverErrors.slice(0, 20)).toEqual([]);
    expect(offSite.slice(0, 20)).toEqual([]);
    expect(networkErrors.slice(0, 20)).toEqual([]);
    expect(unhandled.slice(0, 20)).toEqual([]);
    expect(jobsAfterFuzz).toBe(0);
    expect(signedStatuses).toEqual(Array(signedStatuses.length).fill(204));
    expect(jobsAfterSigned).toBeGreaterThan(0);
  }, 90_000);
});
