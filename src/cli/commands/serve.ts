/** `sigmirror serve` (API and workers) and `sigmirror worker` (workers only): run until SIGTERM/SIGINT. */
import type { Command } from 'commander';
import { loadDaemonConfig } from '../../config/index.js';
import { startDaemon, type DaemonMode } from '../../daemon.js';
import { createLogger } from '../../log.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'run the daemon: registries.d watcher, import workers (the HTTP API comes with a later release)',
    )
    .option('--config <file>', 'daemon config file (default: $SIGMIRROR_CONFIG, else config/sigmirror.yaml)')
    .option('--no-workers', 'do not run import workers in this process')
    .addHelpText(
      'after',
      '\nExamples:\n  sigmirror serve\n  sigmirror serve --config /etc/sigmirror/sigmirror.yaml',
    )
    .action((opts: { config?: string; workers: boolean }) =>
      run(opts.config, { workers: opts.workers, api: true }),
    );
  program
    .command('worker')
    .description('run import workers only (extra capacity beside `serve`; same config)')
    .option('--config <file>', 'daemon config file (default: $SIGMIRROR_CONFIG, else config/sigmirror.yaml)')
    .addHelpText('after', '\nExamples:\n  sigmirror worker --config /etc/sigmirror/sigmirror.yaml')
    .action((opts: { config?: string }) => run(opts.config, { workers: true, api: false }));
}

async function run(configFile: string | undefined, mode: DaemonMode): Promise<void> {
  const loaded = loadDaemonConfig(configFile);
  const logger = createLogger(loaded.config.log.level);
  const daemon = await startDaemon(loaded, logger, mode);
  logger.info(
    { redis: daemon.redisUrl, workers: mode.workers, api: daemon.address ?? null },
    'sigmirror is running',
  );
  process.on('SIGHUP', () => {
    logger.info('SIGHUP: reloading registries.d and tokens');
    void daemon.reload();
  });
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'shutting down');
      // A second signal exits at once.
      process.once('SIGTERM', () => process.exit(1));
      process.once('SIGINT', () => process.exit(1));
      void daemon.close().then(resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
