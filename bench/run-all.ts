/**
 * `npm run bench`: runs every `bench/*.bench.ts`, one after the other, each in a Node process of
 * its own, and writes bench/results.json (the list of figures) and bench/results.md (the table,
 * the machine, the date).
 *
 *   npm run bench                 # every bench
 *   npm run bench -- get-data     # only benches whose file name contains one of the words
 *
 * Each bench module exports `async function run(): Promise<BenchFigure[]>` (see
 * bench/support/report.ts for the figure shape and how targets are judged). A bench that throws,
 * exits, times out (BENCH_TIMEOUT_SECONDS, default 900) or exports no run function is recorded as
 * failed and the others still run; its own process keeps a bench's leftovers (open handles,
 * `process.exit`, a start-up failure that exits) away from the others and from this report.
 * Exits non-zero when a bench failed or a figure missed its target.
 */
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { anyFailure, failedRun, judgeFigure, newReport, renderMarkdown, renderTable, resultsJson, type BenchFigure, type BenchRun } from './support/report.js';

const SELF = fileURLToPath(import.meta.url);
const BENCH_DIR = dirname(SELF);
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_SECONDS ?? 900) * 1000;
const CHILD_FLAG = '--bench-child';

/** What a bench's process hands back (through bench/results.<bench>.tmp, which .gitignore covers). */
interface ChildAnswer {
  figures?: unknown;
  error?: string;
}

/** In the bench's own process: run it and write its figures (or its error) to `out`. */
async function child(file: string, out: string): Promise<void> {
  let answer: ChildAnswer;
  try {
    const { run } = (await import(pathToFileURL(file).href)) as { run?: unknown };
    if (typeof run !== 'function') throw new Error('exports no run() function');
    answer = { figures: await (run as () => Promise<unknown>)() };
  } catch (error) {
    answer = { error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  writeFileSync(out, JSON.stringify(answer));
  process.exit(0);
}

/** Runs one bench in a child process; its output goes straight to this terminal. */
function runInChild(file: string, out: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; timedOut: boolean }> {
  return new Promise((resolve, reject) => {
    // A process group of its own, so a timeout also ends the app processes a bench may have started.
    const proc = spawn(process.execPath, [...process.execArgv, SELF, CHILD_FLAG, file, out], { stdio: 'inherit', detached: true });
    const killGroup = () => {
      try {
        process.kill(-proc.pid!, 'SIGKILL');
      } catch {
        proc.kill('SIGKILL');
      }
    };
    // Ctrl-C reaches only this process (the group is detached): pass it on.
    const interrupted = () => {
      killGroup();
      process.exit(130);
    };
    process.once('SIGINT', interrupted);
    process.once('SIGTERM', interrupted);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, TIMEOUT_MS);
    const settle = () => {
      clearTimeout(timer);
      process.off('SIGINT', interrupted);
      process.off('SIGTERM', interrupted);
    };
    proc.once('error', (error) => {
      settle();
      reject(error);
    });
    proc.once('exit', (code, signal) => {
      settle();
      resolve({ code, signal, timedOut });
    });
  });
}

async function runBench(file: string): Promise<BenchRun> {
  const bench = basename(file);
  const out = join(BENCH_DIR, `results.${bench.replace(/\.bench\.ts$/, '')}.tmp`);
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  console.log(`\n=== ${bench} ===`);
  rmSync(out, { force: true });
  try {
    const exit = await runInChild(file, out);
    if (exit.timedOut) throw new Error(`did not finish within ${TIMEOUT_MS / 1000} s (killed)`);
    let answer: ChildAnswer;
    try {
      answer = JSON.parse(readFileSync(out, 'utf8')) as ChildAnswer;
    } catch {
      throw new Error(`its process ended (${exit.signal ?? `exit code ${exit.code}`}) without handing back figures`);
    }
    if (answer.error !== undefined) throw Object.assign(new Error(answer.error.split('\n')[0]), { stack: answer.error });
    if (!Array.isArray(answer.figures)) throw new Error(`run() returned ${JSON.stringify(answer.figures)?.slice(0, 100)}, not a list of figures`);
    return { bench, seconds: seconds(), error: null, figures: (answer.figures as BenchFigure[]).map((figure) => judgeFigure(bench, figure)) };
  } catch (error) {
    console.error(`${bench} failed: ${error instanceof Error ? error.message : String(error)}`);
    return failedRun(bench, seconds(), error);
  } finally {
    rmSync(out, { force: true });
  }
}

async function main(): Promise<number> {
  const filters = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
  const files = readdirSync(BENCH_DIR)
    .filter((name) => name.endsWith('.bench.ts'))
    .filter((name) => filters.length === 0 || filters.some((filter) => name.includes(filter)))
    .sort()
    .map((name) => join(BENCH_DIR, name));
  if (files.length === 0) throw new Error(`no bench/*.bench.ts${filters.length ? ` matching ${filters.join(', ')}` : ''}`);

  const report = newReport();
  console.log(`running ${files.length} benches: ${files.map((file) => basename(file)).join(', ')}`);
  for (const file of files) report.runs.push(await runBench(file));

  writeFileSync(join(BENCH_DIR, 'results.json'), resultsJson(report));
  writeFileSync(join(BENCH_DIR, 'results.md'), renderMarkdown(report));
  console.log(`\n${renderTable(report)}`);
  console.log('\nwritten: bench/results.md, bench/results.json');
  return anyFailure(report) ? 1 : 0;
}

if (process.argv[2] === CHILD_FLAG) {
  await child(process.argv[3]!, process.argv[4]!);
} else {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
