/** `sigmirror serve` (API and workers) and `sigmirror worker` (workers only): run until SIGTERM/SIGINT. */
import type { Command } from 'commander';
import { runDaemon as run } from '../../daemon/index.js';

/** serve and worker run until a signal: they print no results, so they have no --json. */
const DAEMON_EXIT_CODES = `
Exit codes: 0 stopped by SIGTERM or SIGINT after a clean shutdown; 1 it could not start (an
invalid config file, the port in use) or a second signal cut the shutdown short; 2 invalid
arguments. An unreachable Redis is waited for (and logged), not an exit.`;

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the daemon: HTTP API, registries.d watcher and import workers')
    .option(
      '--config <file>',
      "daemon config file (default: $SIGMIRROR_CONFIG, else the installation's config/sigmirror.yaml)",
    )
    .option('--no-workers', 'do not run import workers in this process')
    .addHelpText(
      'after',
      `
Examples:
  sigmirror serve
  sigmirror serve --config /etc/sigmirror/sigmirror.yaml
  sigmirror serve --config /etc/sigmirror/sigmirror.yaml --no-workers
${DAEMON_EXIT_CODES}`,
    )
    .action((opts: { config?: string; workers: boolean }) =>
      run(opts.config, { workers: opts.workers, api: true }),
    );
  program
    .command('worker')
    .description('run import workers only (extra capacity beside `serve`; same config)')
    .option(
      '--config <file>',
      "daemon config file (default: $SIGMIRROR_CONFIG, else the installation's config/sigmirror.yaml)",
    )
    .addHelpText(
      'after',
      `
Examples:
  sigmirror worker --config /etc/sigmirror/sigmirror.yaml
${DAEMON_EXIT_CODES}`,
    )
    .action((opts: { config?: string }) =>
      run(opts.config, { workers: true, api: false, statusServer: true }),
    );
}
