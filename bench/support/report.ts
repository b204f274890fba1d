/**
 * The one place bench figures are judged and written out: by `npm run bench` (bench/run-all.ts)
 * and by a bench run on its own (`runIfMain`).
 *
 * A bench module exports `async function run(): Promise<BenchFigure[]>`. For each figure it gives
 * the measured `value` and, when it has one, the `baseline` it is compared with and its `target`:
 * `{ op: '>=', ratio: 0.5 }` means value / baseline must be at least 0.5, `{ op: '<=', ratio: 0.5 }`
 * at most 0.5. An absolute limit is a ratio too: give the limit as the baseline and
 * `{ op: '<=', ratio: 1 }` (or a stricter ratio). `ratio` and `pass` are computed here, never by a
 * bench.
 */
import { cpus, hostname, platform, release, totalmem } from 'node:os';
import { basename } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export type TargetOp = '>=' | '<=';

export interface BenchTarget {
  op: TargetOp;
  ratio: number;
}

/** One figure a bench's `run()` returns. */
export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  /** The same figure for the reference it is compared with (a bare route, another algorithm, a limit). */
  baseline: number | null;
  /** The bound value / baseline must meet; null for a figure reported without a verdict. */
  target: BenchTarget | null;
}

/** One line of bench/results.json. */
export interface ReportFigure {
  /** The bench file it came from, e.g. `get-data.bench.ts`. */
  bench: string;
  name: string;
  value: number | null;
  unit: string;
  baseline: number | null;
  ratio: number | null;
  target: BenchTarget | null;
  pass: boolean | null;
  /** Why there is no verdict, or why the bench failed. */
  note?: string;
}

export interface BenchRun {
  bench: string;
  seconds: number;
  error: string | null;
  figures: ReportFigure[];
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
  host: string;
}

export interface BenchReport {
  date: string;
  machine: Machine;
  runs: BenchRun[];
}

/** Between the notes of one figure. */
export const NOTE_SEPARATOR = ' · ';

const finite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

export function ratioOf(value: number | null, baseline: number | null): number | null {
  if (!finite(value) || !finite(baseline) || baseline === 0) return null;
  return value / baseline;
}

/** The verdict: the measured ratio against the target; null when there is no ratio or no target. */
export function passes(ratio: number | null, target: BenchTarget | null): boolean | null {
  if (target === null || ratio === null) return null;
  return target.op === '>=' ? ratio >= target.ratio : ratio <= target.ratio;
}

function isTarget(target: unknown): target is BenchTarget {
  const candidate = target as Partial<BenchTarget> | null;
  return typeof candidate === 'object' && candidate !== null && (candidate.op === '>=' || candidate.op === '<=') && finite(candidate.ratio);
}

/** Checks one figure a bench returned (it may have come through JSON from another process) and judges it. */
export function judgeFigure(bench: string, input: BenchFigure): ReportFigure {
  const notes: string[] = [];
  const value = finite(input.value) ? input.value : null;
  if (value === null) notes.push(`value ${String(input.value)} is not a number`);
  const baseline = finite(input.baseline) ? input.baseline : null;
  let target: BenchTarget | null = null;
  if (isTarget(input.target)) target = { op: input.target.op, ratio: input.target.ratio };
  else if (input.target !== null && input.target !== undefined) {
    notes.push(`target ${JSON.stringify(input.target)} is not { op: '>=' | '<=', ratio } — no verdict`);
  }
  const ratio = ratioOf(value, baseline);
  if (target !== null && ratio === null) notes.push('a target needs a value and a non-zero baseline — no verdict');
  return {
    bench,
    name: String(input.name),
    value,
    unit: String(input.unit ?? ''),
    baseline,
    ratio,
    target,
    pass: passes(ratio, target),
    ...(notes.length > 0 ? { note: notes.join(NOTE_SEPARATOR) } : {}),
  };
}

/** A bench that threw, or returned something that is not a list of figures: one failed line. */
export function failedRun(bench: string, seconds: number, error: unknown): BenchRun {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  const firstLine = message.split('\n')[0]!;
  return {
    bench,
    seconds,
    error: message,
    figures: [{ bench, name: `${bench}: did not run to the end`, value: null, unit: '', baseline: null, ratio: null, target: null, pass: false, note: firstLine }],
  };
}

export function machineInfo(): Machine {
  const cores = cpus();
  return {
    cpu: cores[0]?.model.trim() ?? 'unknown',
    cores: cores.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${platform()} ${release()}`,
    host: hostname(),
  };
}

const number = (value: number | null): string => {
  if (value === null) return '—';
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 1) return value.toFixed(2);
  return value.toPrecision(3);
};
const targetText = (target: BenchTarget | null) => (target ? `${target.op === '>=' ? '≥' : '≤'} ${target.ratio}` : '—');
const verdict = (pass: boolean | null) => (pass === null ? '—' : pass ? 'PASS' : 'FAIL');

function rows(report: BenchReport): string[][] {
  return report.runs.flatMap((run) =>
    run.figures.map((figure) => [
      figure.bench,
      figure.name,
      number(figure.value),
      figure.unit,
      number(figure.baseline),
      figure.ratio === null ? '—' : figure.ratio.toFixed(3),
      targetText(figure.target),
      verdict(figure.pass),
    ]),
  );
}

const HEADER = ['bench', 'figure', 'value', 'unit', 'baseline', 'ratio', 'target', 'pass'];

export function summaryCounts(report: BenchReport) {
  const figures = report.runs.flatMap((run) => run.figures);
  return {
    benches: report.runs.length,
    failedBenches: report.runs.filter((run) => run.error !== null).length,
    figures: figures.length,
    passed: figures.filter((figure) => figure.pass === true).length,
    failed: figures.filter((figure) => figure.pass === false).length,
    unjudged: figures.filter((figure) => figure.pass === null).length,
  };
}

/** bench/results.md */
export function renderMarkdown(report: BenchReport): string {
  const { machine } = report;
  const counts = summaryCounts(report);
  const escape = (cell: string) => cell.replaceAll('|', '\\|');
  const lines = [
    '# Bench results',
    '',
    `- date: ${report.date}`,
    `- machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB memory, ${machine.os}, Node ${machine.node} (${machine.host})`,
    `- ${counts.benches} benches (${counts.failedBenches} did not finish), ${counts.figures} figures: ${counts.passed} pass, ${counts.failed} fail, ${counts.unjudged} without a verdict`,
    '',
    '`ratio` is value ÷ baseline, and `pass` compares it with the target (≥ or ≤); both are computed by',
    'bench/support/report.ts from the measured figures, never taken from a bench.',
    '',
    `| ${HEADER.join(' | ')} |`,
    `| ${HEADER.map((_, index) => (index >= 2 && index !== 3 ? '---:' : '---')).join(' | ')} |`,
    ...rows(report).map((row) => `| ${row.map(escape).join(' | ')} |`),
  ];
  // One line per distinct note of a bench, naming the figures it concerns.
  const notes = report.runs.flatMap((run) => {
    const byNote = new Map<string, string[]>();
    for (const figure of run.figures) {
      for (const note of figure.note?.split(NOTE_SEPARATOR) ?? []) byNote.set(note, [...(byNote.get(note) ?? []), figure.name]);
    }
    return [...byNote].map(([note, names]) => `- ${run.bench}: ${note}${names.length === run.figures.length ? '' : ` (${names.join('; ')})`}`);
  });
  if (notes.length > 0) lines.push('', '## Notes', '', ...notes);
  const timings = report.runs.map((run) => `- ${run.bench}: ${run.seconds.toFixed(1)} s${run.error ? ' (failed)' : ''}`);
  lines.push('', '## Run times', '', ...timings);
  const errors = report.runs.filter((run) => run.error);
  if (errors.length > 0) {
    lines.push('', '## Failures', '');
    for (const run of errors) lines.push(`### ${run.bench}`, '', '```', run.error!.split('\n').slice(0, 15).join('\n'), '```', '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** A fixed-width table of rows of cells (the first row is the header); columns not in `leftAligned` are right-aligned. */
export function table(rows: readonly (readonly string[])[], leftAligned: readonly number[] = [0]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => (leftAligned.includes(column) ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The table for the terminal. */
export function renderTable(report: BenchReport): string {
  const { machine } = report;
  const counts = summaryCounts(report);
  return [
    `bench results ${report.date} — ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}`,
    table([HEADER, ...rows(report)], [0, 1, 3]),
    `${counts.figures} figures: ${counts.passed} pass, ${counts.failed} fail, ${counts.unjudged} without a verdict; ${counts.failedBenches} of ${counts.benches} benches did not finish`,
  ].join('\n');
}

/** A report of the given runs, dated now, on this machine. */
export function newReport(runs: BenchRun[] = []): BenchReport {
  return { date: new Date().toISOString(), machine: machineInfo(), runs };
}

/** Whether a report holds a failed bench or a figure that missed its target (`npm run bench` then exits non-zero). */
export function anyFailure(report: BenchReport): boolean {
  return report.runs.some((run) => run.error !== null || run.figures.some((figure) => figure.pass === false));
}

/**
 * A bench run on its own (`node … bench/<name>.bench.ts`): when the file is the script node was
 * started with, runs it and prints its judged figures; exits non-zero as `npm run bench` would.
 */
export function runIfMain(metaUrl: string, run: () => Promise<BenchFigure[]>): void {
  const argv1 = process.argv[1];
  if (!argv1 || metaUrl !== pathToFileURL(argv1).href) return;
  const bench = basename(fileURLToPath(metaUrl));
  const started = performance.now();
  run().then(
    (figures) => {
      const seconds = (performance.now() - started) / 1000;
      const report = newReport([{ bench, seconds, error: null, figures: figures.map((figure) => judgeFigure(bench, figure)) }]);
      console.log(`\n${renderTable(report)}`);
      process.exit(anyFailure(report) ? 1 : 0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}

/** bench/results.json: the list of figures. */
export function resultsJson(report: BenchReport): string {
  return `${JSON.stringify(
    report.runs.flatMap((run) => run.figures),
    null,
    2,
  )}\n`;
}
