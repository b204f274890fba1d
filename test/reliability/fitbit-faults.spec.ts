/**
 * Reliability 3, Fitbit faults: while 20 users' history is imported by two worker processes, the
 * emulator fails about 30% of the data calls (a seeded mix of 500s, 429s with Retry-After and
 * answers slower than the module's request timeout). What users would lose if this failed: days of
 * their history (a job that gives up), or doubled rows. So: every row ends stored exactly once,
 * no job gives up (none failed, no retry beyond MAX_RETRIES), and no 429 was retried before its
 * Retry-After.
 *
 * The faults last FAULT_STORM_MS from the moment the workers start on the jobs (the queue is paused
 * while the users connect, so every job starts inside the storm). Why bounded: each fault costs the
 * job a retry after `Retry-After + uniform(2,4)^attempt` s, and with faults drawn independently at
 * 30% the chance that one of 80 jobs draws four in a row is about one in two, which takes the import
 * past a minute (five in a row: minutes). A storm shorter than the back-off before a 4th attempt
 * (1 + 2 + 4 s after the first) faults any job at most three times in a row, so the import ends
 * within about 4 + 24 s whatever the draws (usually well before: a third fault needs the job's
 * first try inside the storm's first second).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_RETRIES } from '../../lib/subscriptions/retry-policy.js';
import { PROVIDERS } from '../support/fitbit-fixture.js';
import { summary } from './support/cluster.js';
import {
  afterRateLimits,
  connectUsers,
  DATA_PATHS,
  expectedRows,
  formatCount,
  retriesLogged,
  rowDifferences,
  settled,
  startImportCluster,
  storedRowCount,
  storedRows,
  type ImportCluster,
} from './support/processes-import.js';

const USERS = 20;
const HISTORY_DAYS = 120;
const REQUEST_TIMEOUT_MS = 1_500;
const RETRY_AFTER_SECONDS = 1;
/** Three faults tried in turn, each taking 11.2% of what reaches it: 1 − 0.888³ ≈ 30% of data calls. */
const FAULT_PROBABILITY = 0.112;
const FAULT_STORM_MS = 4_000;

describe.each(PROVIDERS)('Fitbit faults during the history import (%s, two workers, PostgreSQL, Redis)', (provider) => {
  let cluster: ImportCluster;

  beforeAll(async () => {
    cluster = await startImportCluster({ provider, label: `faults-${provider}`, fitbit: { requestTimeoutMs: REQUEST_TIMEOUT_MS } });
  }, 60_000);
  afterAll(() => cluster?.close());

  it('stores every row exactly once within the retry budget, honouring Retry-After', async () => {
    const { emulator, queue } = cluster;
    const path = DATA_PATHS[provider];
    await queue.pause();
    const users = await connectUsers(cluster, USERS, { historyDays: HISTORY_DAYS, firstAppUserId: 1_001 });
    const expected = expectedRows(cluster, users);
    emulator.clearRequests();

    emulator.faults.inject({ path, status: 500, probability: FAULT_PROBABILITY, seed: 11 });
    emulator.faults.inject({ path, status: 429, headers: { 'retry-after': String(RETRY_AFTER_SECONDS) }, probability: FAULT_PROBABILITY, seed: 12 });
    // Answered (504, so the log tells it apart) only after the module stopped waiting: a timeout to the worker.
    emulator.faults.inject({ path, status: 504, delayMs: REQUEST_TIMEOUT_MS + 1_000, probability: FAULT_PROBABILITY, seed: 13 });
    const importStarted = Date.now();
    const stormEnds = importStarted + FAULT_STORM_MS;
    const storm = setTimeout(() => emulator.faults.clear(), FAULT_STORM_MS);
    await queue.resume();
    try {
      await settled(cluster, async () => (await storedRowCount(cluster.dataSource)) >= expected.size, 45_000);
    } finally {
      clearTimeout(storm);
      emulator.faults.clear();
    }
    const importSeconds = (Date.now() - importStarted) / 1000;

    const stored = await storedRows(cluster.dataSource);
    const requests = emulator.requests;
    const data = requests.filter((request) => path.test(request.path));
    const duringStorm = data.filter((request) => request.at < stormEnds).length;
    const faults = { 500: 0, 429: 0, 504: 0 };
    for (const request of data) if (request.status in faults) faults[request.status as keyof typeof faults] += 1;
    const injected = faults[500] + faults[429] + faults[504];
    const retries = retriesLogged(cluster.workers);
    const failed = await cluster.queue.getFailedCount();
    // On Google every history job probes the same steps windows for the start of the history, so there
    // "the next identical request" may be another job's; those are left out of the Retry-After check.
    const rateLimited = afterRateLimits(data, provider === 'google-health' ? /\/dataTypes\/steps\// : null);
    const tooEarly = rateLimited.filter((entry) => entry.waitedMs !== null && entry.waitedMs < RETRY_AFTER_SECONDS * 1_000);
    summary(
      `fitbit-faults (${provider}): ${USERS} users imported in ${importSeconds.toFixed(1)} s, ${formatCount(requests.length)} requests sent (${formatCount(data.length)} data), ` +
        `${formatCount(expected.size)} rows expected, ${formatCount(stored.rows.size)} stored, ${stored.duplicates.length} duplicates, ` +
        `${injected} faults injected (${faults[500]} × 500, ${faults[429]} × 429, ${faults[504]} timeouts; ${((100 * injected) / duringStorm).toFixed(0)}% of the ${duringStorm} data calls of the ${FAULT_STORM_MS / 1000} s storm), ` +
        `${retries.count} retries (highest attempt ${retries.highestAttempt} of ${MAX_RETRIES}), ${failed} failed jobs, ` +
        `${rateLimited.length - tooEarly.length}/${rateLimited.length} checked 429s retried after Retry-After, ${emulator.stats.refreshCalls()} refresh calls`,
    );

    expect(rowDifferences(expected, stored.rows).slice(0, 10)).toEqual([]);
    expect(stored.duplicates).toEqual([]);
    expect(failed).toBe(0);
    expect(retries.highestAttempt).toBeLessThanOrEqual(MAX_RETRIES);
    // The faults did happen, at about the rate asked for, and were retried.
    expect(injected / duringStorm).toBeGreaterThan(0.2);
    expect(retries.count).toBeGreaterThanOrEqual(injected);
    expect(rateLimited.length).toBeGreaterThan(0);
    expect(tooEarly).toEqual([]);
  }, 60_000);
});
