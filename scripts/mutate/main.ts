/**
 * `npm run mutate -- <path> [--unit] [--smoke] [--lines A-B] [--concurrency N] [--tests a,b]`: StrykerJS over one file or directory of
 * src/, each mutant run against only the ava test files map.ts finds for it (the target's own
 * first), then type-checked (typecheck.ts: those that do not compile leave the score). Reports go
 * to reports/mutation/<name>.{html,json}; the survivors and a summary line (killed, survived,
 * score) are printed.
 * --unit: only the mapped tests under test/unit (pure modules: seconds per mutant, not minutes).
 * --smoke: only the unit tests and the given lines (default: a handful), exits 1 unless a mutant
 * was killed — CI's check that this setup still runs (docs/testing.md §Mutation testing).
 * --tests a.test.ts,b.test.ts: exactly these test files, in this order (modules whose killers are
 * integration tests, e.g. the fs store's conformance suite).
 * --concurrency N: mutants tested at once (default 1: the machine is shared; 2 on an idle 2-core box).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Stryker } from '@stryker-mutator/core';
import { testsFor } from './map.js';
import { writeReport, type Report } from './report.js';
import { markCompileErrors } from './typecheck.js';

const AVA_CLI = path.resolve('node_modules/ava/entrypoints/cli.mjs');
const SMOKE_LINES = '21-25'; // digestSegment: a handful of mutants

function parseArgs(argv: string[]) {
  const smoke = argv.includes('--smoke');
  const unitOnly = smoke || argv.includes('--unit');
  const lines = argv.includes('--lines')
    ? argv[argv.indexOf('--lines') + 1]
    : smoke
      ? SMOKE_LINES
      : undefined;
  const valued = (a: string | undefined) => a === '--lines' || a === '--concurrency' || a === '--tests';
  // --tests a.test.ts,b.test.ts: exactly these, in this order, instead of map.ts's choice.
  const tests = argv.includes('--tests') ? argv[argv.indexOf('--tests') + 1]!.split(',') : undefined;
  const target = argv.find((a, i) => !a.startsWith('--') && !valued(argv[i - 1]));
  const concurrency = argv.includes('--concurrency') ? Number(argv[argv.indexOf('--concurrency') + 1]) : 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    console.error('--concurrency takes a whole number ≥ 1');
    process.exit(2);
  }
  if (!target || !target.startsWith('src/')) {
    console.error(
      'usage: npm run mutate -- <src/file.ts | src/dir> [--unit] [--smoke] [--lines A-B] [--concurrency N] [--tests a,b]',
    );
    process.exit(2);
  }
  return { target: target.replace(/\/$/, ''), smoke, unitOnly, lines, concurrency, tests };
}

/**
 * The target's own unit tests first (test/unit/<dir>/<name>.test.ts for a file, every test under
 * test/unit/<dir>/ for a directory): with --fail-fast a mutant they kill costs their run instead
 * of every file sorted before them.
 */
function ownTestsFirst(target: string, tests: string[]): string[] {
  const own = target.replace(/^src\//, 'test/unit/');
  const isOwn = target.endsWith('.ts')
    ? (t: string) => t === own.replace(/\.ts$/, '.test.ts')
    : (t: string) => t.startsWith(`${own}/`);
  return [...tests.filter(isOwn), ...tests.filter((t) => !isOwn(t))];
}

/** Counts (Killed + Timeout, Survived + NoCoverage) and prints each survivor with its line. */
function summarise(report: Report): { killed: number; survived: number } {
  let killed = 0;
  let survived = 0;
  for (const [file, { mutants }] of Object.entries(report.files)) {
    for (const m of mutants) {
      if (m.status === 'Killed' || m.status === 'Timeout') killed++;
      if (m.status !== 'Survived' && m.status !== 'NoCoverage') continue;
      survived++;
      const { line, column } = m.location.start;
      console.log(`survived ${file}:${line}:${column} ${m.mutatorName} → ${JSON.stringify(m.replacement)}`);
    }
  }
  return { killed, survived };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const { target, smoke, lines, concurrency } = args;
  const tests = args.tests ?? ownTestsFirst(target, testsFor(target, { unitOnly: args.unitOnly }));
  if (!tests.length) throw new Error(`no test file imports ${target}: add one, or an EXTRA entry in map.ts`);
  const name = target
    .replace(/^src\//, '')
    .replace(/\.ts$/, '')
    .replaceAll('/', '-');
  const mutate = target.endsWith('.ts')
    ? [lines ? `${target}:${lines}` : target]
    : [`${target}/**/*.ts`, `!${target}/**/index.ts`];
  mkdirSync('reports/mutation', { recursive: true });
  console.log(`mutating ${mutate.join(' ')} against ${tests.length} test file(s):\n  ${tests.join('\n  ')}`);
  await new Stryker({
    mutate,
    testRunner: 'command',
    // node + ava's CLI directly (npx adds seconds to every mutant's run), stopping at the first
    // failure (a killed mutant needs no more tests); an absolute path, as the
    // sandbox finds packages only by walking up to this checkout's node_modules.
    commandRunner: {
      command: `node ${AVA_CLI} --concurrency 1 --fail-fast --timeout 60s ${tests.join(' ')}`,
    },
    // No checker during the run: Stryker's re-checks the program per mutant and held one of two
    // cores throughout; typecheck.ts marks the mutants that do not compile afterwards.
    checkers: [],
    coverageAnalysis: 'off',
    concurrency,
    timeoutMS: 5_000, // on top of 1.5 × the initial run: loops a mutant makes endless die sooner
    reporters: ['html', 'json', smoke ? 'dots' : 'progress'],
    htmlReporter: { fileName: path.join('reports/mutation', `${name}.html`) },
    jsonReporter: { fileName: path.join('reports/mutation', `${name}.json`) },
    ignorePatterns: ['dist', 'var', 'reports', 'bench', '.ci', 'test/artifacts'],
    tempDirName: '.stryker-tmp',
    cleanTempDir: true,
    thresholds: { high: 85, low: 70, break: null },
  }).runMutationTest();
  const jsonFile = path.join('reports/mutation', `${name}.json`);
  const report = JSON.parse(readFileSync(jsonFile, 'utf8')) as Report;
  const notCompiling = markCompileErrors(report.files);
  writeReport(jsonFile, report);
  const { killed, survived } = summarise(report);
  const score = killed + survived ? (100 * killed) / (killed + survived) : 0;
  console.log(
    `mutation ${target}: ${killed} killed, ${survived} survived, ${notCompiling} not compiling, ` +
      `score ${score.toFixed(1)} % (reports/mutation/${name}.html)`,
  );
  if (smoke && killed === 0) process.exitCode = 1;
}

await main();
