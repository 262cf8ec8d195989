/**
 * `npm run mutate:recheck -- <report.json> <test files…>`: applies each surviving mutant of a
 * Stryker JSON report to the working tree, one at a time, runs only the given ava test files and
 * restores the file. Prints which survivors the tests now kill: checking new tests against a long
 * run's survivors in seconds, instead of re-running every mutant of the module (docs/testing.md).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { applyMutant, type Report } from './report.js';

const AVA_CLI = path.resolve('node_modules/ava/entrypoints/cli.mjs');

function killedBy(tests: readonly string[]): boolean {
  const run = spawnSync(
    'node',
    [AVA_CLI, '--concurrency', '1', '--fail-fast', '--timeout', '60s', ...tests],
    {
      stdio: 'ignore',
      timeout: 120_000,
    },
  );
  return run.status !== 0;
}

function main(): void {
  const [reportFile, ...tests] = process.argv.slice(2);
  if (!reportFile || !tests.length) {
    console.error('usage: npm run mutate:recheck -- <reports/mutation/x.json> <test files…>');
    process.exit(2);
  }
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as Report;
  let killed = 0;
  let left = 0;
  for (const [file, { source, mutants }] of Object.entries(report.files)) {
    if (readFileSync(file, 'utf8') !== source) throw new Error(`${file} changed since the report: re-run it`);
    for (const mutant of mutants.filter((m) => m.status === 'Survived' || m.status === 'NoCoverage')) {
      writeFileSync(file, applyMutant(source, mutant));
      let dead: boolean;
      try {
        dead = killedBy(tests);
      } finally {
        writeFileSync(file, source);
      }
      if (dead) killed++;
      else left++;
      const { line, column } = mutant.location.start;
      console.log(
        `${dead ? 'killed  ' : 'SURVIVED'} ${file}:${line}:${column} ${mutant.mutatorName} → ${JSON.stringify(mutant.replacement)}`,
      );
    }
  }
  console.log(`recheck: ${killed} of ${killed + left} survivors killed by ${tests.join(' ')}`);
}

main();
