/**
 * Reliability 4, worker crash: two worker processes import the history of users who just connected
 * (through two app processes); one worker is killed with SIGKILL while it holds jobs and rows are
 * being written, and a new worker is started. What users would lose if this failed: the history
 * the dead worker was fetching (its jobs stay "active" forever), or rows written twice when the
 * jobs are run again. So: every row ends stored exactly once and no job failed.
 *
 * Bull runs with short locks (SHORT_LOCKS) so the dead worker's jobs are found stalled and handed
 * out again within seconds. test/subscriptions/worker-processes.spec.ts covers one user and queued
 * jobs on one provider; this is the connected-users, both-providers version.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDERS } from '../support/fitbit-fixture.js';
import { summary } from './support/cluster.js';
import {
  activeJobsByWorker,
  connectUsers,
  DATA_PATHS,
  expectedRows,
  formatCount,
  rowDifferences,
  settled,
  SHORT_LOCKS,
  startImportCluster,
  storedRowCount,
  storedRows,
  type ImportCluster,
} from './support/processes-import.js';

const USERS = 12;
const HISTORY_DAYS = 400;
/**
 * Slow data calls keep the import going long enough to be caught in the middle. A Google history
 * job makes about 12 calls (the probes for the first day, then 90-day pieces), a Fitbit one 2.
 */
const CALL_DELAY_MS = { fitbit: 250, 'google-health': 80 } as const;

describe.each(PROVIDERS)('a worker killed mid-import (%s, two app processes, two workers, PostgreSQL, Redis)', (provider) => {
  let cluster: ImportCluster;

  beforeAll(async () => {
    cluster = await startImportCluster({ provider, label: `crash-${provider}`, queueSettings: SHORT_LOCKS });
  }, 60_000);
  afterAll(() => cluster?.close());

  it('loses nothing: the dead worker’s jobs are run again and every row ends stored once', async () => {
    const { emulator, queue, dataSource } = cluster;
    emulator.faults.inject({ path: DATA_PATHS[provider], delayMs: CALL_DELAY_MS[provider] });
    // Held while the users connect, so the kill lands in the middle of everyone's import.
    await queue.pause();
    const users = await connectUsers(cluster, USERS, { historyDays: HISTORY_DAYS, firstAppUserId: 2_001 });
    const expected = expectedRows(cluster, users);
    const started = Date.now();
    await queue.resume();

    // Both workers hold jobs and rows are arriving.
    const deadline = Date.now() + 20_000;
    let owners = new Map<string, number>();
    while (Date.now() < deadline) {
      owners = await activeJobsByWorker(queue);
      if (owners.size === 2 && (await storedRowCount(dataSource)) > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(owners.size, 'both workers in the middle of a job').toBe(2);
    const [doomed, survivor] = cluster.workers;
    await doomed!.kill('SIGKILL');
    const rowsAtKill = await storedRowCount(dataSource);
    const activeAtKill = [...owners.values()].reduce((sum, count) => sum + count, 0);
    expect(rowsAtKill).toBeGreaterThan(0);
    expect(rowsAtKill).toBeLessThan(expected.size);

    cluster.workers = [survivor!, await cluster.startWorker()];
    emulator.faults.clear();
    await settled(cluster, async () => (await storedRowCount(dataSource)) >= expected.size, 40_000);

    const stored = await storedRows(dataSource);
    const failed = await queue.getFailedCount();
    const requests = emulator.requests;
    summary(
      `worker-crash (${provider}): ${USERS} users, ${formatCount(requests.length)} requests sent, SIGKILL with ${activeAtKill} jobs active over both workers ` +
        `and ${formatCount(rowsAtKill)} rows stored, ${formatCount(expected.size)} rows expected, ${formatCount(stored.rows.size)} stored, ` +
        `${stored.duplicates.length} duplicates, ${failed} failed jobs, ${emulator.stats.refreshCalls()} refresh calls, import done in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    expect(rowDifferences(expected, stored.rows).slice(0, 10)).toEqual([]);
    expect(stored.duplicates).toEqual([]);
    expect(failed).toBe(0);
  }, 60_000);
});
