/** `sigmirror serve` (API and workers) and `sigmirror worker` (workers only): run until SIGTERM/SIGINT. */
import cluster from 'node:cluster';
import type { Command } from 'commander';
import { loadDaemonConfig } from '../../config/index.js';
import { forkApiProcesses, serveClusterMetrics, startDaemon, type DaemonMode } from '../../daemon/index.js';
import { createLogger } from '../../log.js';

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

async function run(configFile: string | undefined, requested: DaemonMode): Promise<void> {
  const loaded = loadDaemonConfig(configFile);
  const logger = createLogger(loaded.config.log.level);
  // With listen.processes > 1 the daemon process forks API-only children sharing the port.
  const serverCount = requested.api ? loaded.config.listen.processes : 1;
  const child = cluster.isWorker;
  const mode: DaemonMode = child
    ? { workers: false, api: true }
    : serverCount > 1
      ? { ...requested, api: false }
      : requested;
  const daemon = await startDaemon(loaded, logger, mode);
  const apiProcesses = !child && serverCount > 1 ? await forkApiProcesses(serverCount, logger) : undefined;
  if (apiProcesses) {
    serveClusterMetrics(daemon.metrics.registry, async () =>
      daemon.metrics.queueDepth.set(await daemon.producer.depth()),
    );
  }
  logger.info(
    { redis: daemon.redisUrl, workers: mode.workers, api: daemon.address ?? null },
    'sigmirror is running',
  );
  process.on('SIGHUP', () => {
    logger.info('SIGHUP: reloading registries.d and tokens');
    apiProcesses?.signal('SIGHUP');
    void daemon.reload();
  });
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'shutting down');
      if (child) {
        // systemd signals the whole control group and the primary signals again: ignore repeats.
        process.on('SIGTERM', () => undefined);
        process.on('SIGINT', () => undefined);
      } else {
        // A second signal exits at once.
        process.once('SIGTERM', () => process.exit(1));
        process.once('SIGINT', () => process.exit(1));
      }
      void Promise.resolve(apiProcesses?.stop())
        .then(() => daemon.close())
        .then(resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  // The IPC channel to the primary would keep a serving child alive.
  cluster.worker?.disconnect();
}
