/** `sigmirror version`: the version (package.json), for people and, with --json, for scripts. */
import type { Command } from 'commander';
import { VERSION } from '../../version.js';

export function registerVersion(program: Command): void {
  program
    .command('version')
    .description('print the version of sigmirror (the same as sigmirror --version)')
    .option('--json', 'print JSON: {"name", "version", "node"}')
    .addHelpText(
      'after',
      `
Examples:
  sigmirror version
  sigmirror version --json

Exit codes: 0 printed; 2 invalid arguments.`,
    )
    .action((opts: { json?: boolean }) => {
      if (opts.json)
        console.log(
          JSON.stringify({ name: 'sigmirror', version: VERSION, node: process.versions.node }, null, 2),
        );
      else console.log(`sigmirror ${VERSION}`);
    });
}
