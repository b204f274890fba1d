/**
 * Import progress over several processes: two users connect through two app processes while two
 * workers import their histories. Every app process must give the same `import_status/` answer
 * (it is read from the queue's Redis and the shared database, nothing process-local), progress
 * events reach a listener in a third process, and the workers log one line per finished type, with
 * counts only, never values or tokens.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserFitbit } from '../../lib/data/entities/user-fitbit.entity.js';
import { FitbitModule } from '../../lib/fitbit.module.js';
import { FitbitService } from '../../lib/integration/fitbit.service.js';
import type { FitbitImportProgressEvent } from '../../lib/integration/import-status.js';
import { PROVIDERS, type ProviderName } from '../support/fitbit-fixture.js';
import { startFitbitTestApp, TEST_USER_HEADER, type FitbitTestApp } from '../support/fitbit-test-app.js';
import { summary } from './support/cluster.js';
import { connectUsers, IMPORT_PATHS, startImportCluster, type ConnectedUser, type ImportCluster } from './support/processes-import.js';

interface Answer {
  meta: { status_code: number; state: string; done: number; pending: number; failed: number; rows_stored: number; started: string; finished: string | null };
  objects: { type: string; state: string; rows: number }[];
}

async function statusAt(url: string, appUserId: string): Promise<Answer> {
  const response = await fetch(`${url}/fitbit/import_status/`, { headers: { [TEST_USER_HEADER]: appUserId } });
  return (await response.json()) as Answer;
}

describe.each(PROVIDERS)('import progress across two app processes and two workers (%s)', (provider: ProviderName) => {
  let cluster: ImportCluster;
  let listener: FitbitTestApp;

  beforeAll(async () => {
    // Spaced jobs, so the import is still running while the test looks.
    cluster = await startImportCluster({ provider, label: `progress-${provider}`, workerLog: true, fitbit: { betweenDelaySeconds: 1 } });
    listener = await startFitbitTestApp({ dataSource: cluster.dataSource, fitbit: FitbitModule.forRoot({ ...cluster.fitbit, subscribe: true, worker: false }) });
  }, 90_000);
  afterAll(async () => {
    await listener?.close();
    await cluster?.close();
  });

  it('gives the same status on every app process while it runs and when done, and logs one count-only line per type', async () => {
    const events: FitbitImportProgressEvent[] = [];
    const listening = listener.app.get(FitbitService).onImportProgress((event) => events.push(event));
    await listening.ready;
    const started = Date.now();
    const users: ConnectedUser[] = await connectUsers(cluster, 2, { historyDays: 200, firstAppUserId: 5_001 });
    const [first, second] = cluster.apps.map((app) => app.url!);

    const readBoth = async (appUserId: string) => [await statusAt(first!, appUserId), await statusAt(second!, appUserId)] as const;
    const until = async (condition: () => Promise<boolean>, what: string) => {
      const deadline = Date.now() + 60_000;
      while (!(await condition())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };

    // Mid-import, with every worker held (a pause in Redis) and no job running: both app processes
    // must say the same, and say it is still running.
    await until(async () => (await statusAt(first!, users[0]!.appUserId)).meta.done >= 1, 'the first type to finish');
    await cluster.queue.pause();
    await until(async () => (await cluster.queue.getActiveCount()) === 0, 'the running jobs to end');
    const midway = await Promise.all(users.map(({ appUserId }) => readBoth(appUserId)));
    for (const [atFirst, atSecond] of midway) expect(atSecond).toEqual(atFirst);
    const running = midway.filter(([answer]) => answer.meta.state === 'running').map(([answer]) => answer.meta);
    expect(running.length).toBeGreaterThan(0);
    for (const meta of running) expect(meta.pending).toBeGreaterThan(0);
    await cluster.queue.resume();

    await until(async () => {
      const answers = await Promise.all(users.map(({ appUserId }) => statusAt(first!, appUserId)));
      return answers.every((answer) => answer.meta.state !== 'running');
    }, 'the imports to finish');
    const finishedAfterMs = Date.now() - started;

    for (const { appUserId } of users) {
      const [atFirst, atSecond] = [await statusAt(first!, appUserId), await statusAt(second!, appUserId)];
      expect(atSecond).toEqual(atFirst);
      expect(atFirst.meta).toMatchObject({ status_code: 100, state: 'done', done: IMPORT_PATHS.length, pending: 0, failed: 0 });
      const stored: { count: string }[] = await cluster.dataSource.query('SELECT COUNT(*) AS count FROM fitbit_time_series_data WHERE user_id = $1', [appUserId]);
      expect(atFirst.meta.rows_stored).toBe(Number(stored[0]!.count));
      expect(atFirst.objects.map((object) => object.type)).toEqual(IMPORT_PATHS);
      expect(atFirst.objects.every((object) => object.state === 'done' && object.rows > 0)).toBe(true);
    }

    // The listener, in a process that ran no job, heard every type of every user finish.
    const finishedEvents = events.filter((event) => event.state === 'done').map((event) => `${event.userId} ${event.type}`);
    expect(finishedEvents.sort()).toEqual(users.flatMap(({ appUserId }) => IMPORT_PATHS.map((path) => `${appUserId} ${path}`)).sort());
    listening.stop();

    // One line per (user, type) over both workers, of this shape only.
    const lines = cluster.workers.flatMap((worker) =>
      worker
        .output()
        // eslint-disable-next-line no-control-regex
        .replace(/\x1b\[[0-9;]*m/g, '')
        .split('\n')
        .filter((line) => line.includes('History import')),
    );
    expect(lines).toHaveLength(users.length * IMPORT_PATHS.length);
    const shape = /\[FitbitJobs\] History import of user (\d+): (\S+) (\d+) days? stored; [1-4] of 4 types finished$/;
    const logged = lines.map((line) => {
      const match = shape.exec(line);
      expect(match, line).not.toBeNull();
      return `${match![1]} ${match![2]}`;
    });
    expect(logged.sort()).toEqual(finishedEvents.sort());
    const tokens = (await cluster.dataSource.getRepository(UserFitbit).find()).flatMap((link) => [link.accessToken, link.refreshToken]);
    expect(lines.filter((line) => tokens.some((token) => line.includes(token)))).toEqual([]);

    summary(
      `import-progress (${provider}): ${users.length} users × ${IMPORT_PATHS.length} types through 2 app processes and 2 workers, ` +
        `the same status on both app processes midway (${running.map((meta) => `${meta.done} done, ${meta.pending} pending`).join('; ')}) and at the end, finished ${finishedAfterMs} ms after the first connect, ` +
        `${events.length} progress events heard in a third process, ${lines.length} worker lines`,
    );
  }, 90_000);
});
