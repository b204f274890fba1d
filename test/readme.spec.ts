import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');
const readme = read('README.md');
const manifest = JSON.parse(read('package.json')) as {
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
  [field: string]: unknown;
};
const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { version: string }> };
const appManifest = JSON.parse(read('test/package/nest-app/package.json')) as { dependencies: Record<string, string> };

interface CodeBlock {
  language: string;
  code: string;
  line: number;
  /** The `<!-- example: … -->` marker right above the block, if any. */
  source: string | null;
}

function codeBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const end = lines.findIndex((line, j) => j > i && line === '```');
    let above = i - 1;
    while (above >= 0 && lines[above]!.trim() === '') above--;
    const marker = /^<!-- example: (\S+) -->$/.exec(lines[above] ?? '');
    blocks.push({ language: open[1]!, code: lines.slice(i + 1, end).join('\n'), line: i + 1, source: marker?.[1] ?? null });
    i = end;
  }
  return blocks;
}

/** The lines between `// #region name` and `// #endregion`, without their common indentation. */
function region(file: string, name: string): string {
  const lines = file.split('\n');
  const start = lines.findIndex((line) => line.trim() === `// #region ${name}`);
  expect(start, `region ${name}`).toBeGreaterThanOrEqual(0);
  const end = lines.findIndex((line, index) => index > start && line.trim() === '// #endregion');
  const body = lines.slice(start + 1, end);
  const indent = Math.min(...body.filter((line) => line.trim() !== '').map((line) => line.length - line.trimStart().length));
  return body.map((line) => line.slice(indent)).join('\n');
}

/** A file some test runs: a spec of this suite, or a file of the generated app the package test installs and runs. */
function isExecuted(path: string): boolean {
  return (/^test\/.+\.spec\.ts$/.test(path) && !path.startsWith('test/package/nest-app/')) || /^test\/package\/nest-app\/(src|test)\/.+\.ts$/.test(path);
}

/** The rows of the markdown table that follows `heading`. */
function tableAfter(heading: string): string[][] {
  const lines = readme.slice(readme.indexOf(heading)).split('\n');
  const start = lines.findIndex((line) => line.startsWith('|'));
  const rows = [];
  for (let i = start + 2; lines[i]?.startsWith('|'); i++) rows.push(lines[i]!.split('|').slice(1, -1).map((cell) => cell.trim()));
  return rows;
}

const packagesIn = (text: string) => [...text.matchAll(/npm install ((?:[@\w./-]+ ?)+)/g)].flatMap((match) => match[1]!.trim().split(/\s+/));

describe('the README', () => {
  const blocks = codeBlocks(readme).filter((block) => block.language !== 'sh');

  it('has code examples', () => {
    expect(blocks.length).toBeGreaterThan(5);
  });

  it.each(blocks.map((block) => [block.line, block] as const))('example at line %i is a file, or a region of one, that a test runs', (_line, block) => {
    expect(block.source, 'an <!-- example: path[#region] --> marker above the block').not.toBeNull();
    const [path, name] = block.source!.split('#') as [string, string | undefined];
    if (path === 'package.json') {
      expect(JSON.parse(block.code)).toEqual({ [name!]: manifest[name!] });
      return;
    }
    expect(isExecuted(path), `${path} is run by a test`).toBe(true);
    const file = read(path);
    expect(block.code).toBe(name === undefined ? file.replace(/\n$/, '') : region(file, name));
  });

  it('installs what the generated app installs, and the required peers a `nest new` app does not have', () => {
    const [install] = codeBlocks(readme).filter((block) => block.language === 'sh');
    const [packages, driver] = install!.code.split('\n').map(packagesIn);
    const fromNestNew = ['@nestjs/common', '@nestjs/core', '@nestjs/platform-express', 'reflect-metadata', 'rxjs'];
    expect(Object.keys(appManifest.dependencies).sort()).toEqual([...fromNestNew, ...packages!, driver![0]!].sort());
    const required = Object.keys(manifest.peerDependencies).filter((name) => !manifest.peerDependenciesMeta[name]?.optional);
    expect(new Set([...packages!, ...fromNestNew])).toEqual(new Set(['nestjs-fitbit', ...required, '@nestjs/platform-express']));
  });

  it('names each optional peer with the feature that needs it', () => {
    const optional = Object.keys(manifest.peerDependenciesMeta).filter((name) => manifest.peerDependenciesMeta[name]!.optional);
    const rows = tableAfter('The optional peers are needed only');
    expect(rows.flatMap((row) => packagesIn(row[2]!)).sort()).toEqual(optional.sort());
  });

  it('gives, as the versions it was tested with, the versions of the lock file', () => {
    const rows = tableAfter('## Compatibility');
    const pinned = rows.flatMap((row) => [...row[2]!.matchAll(/`(@?[\w./-]+)@(\d[\w.-]*)`/g)].map((match) => [match[1]!, match[2]!] as const));
    expect(pinned.length).toBeGreaterThan(10);
    for (const [name, version] of pinned) expect(`${name}@${lock.packages[`node_modules/${name}`]?.version}`).toBe(`${name}@${version}`);
  });
});
