/** `sigmirror serve`: run the daemon until SIGTERM/SIGINT. */
import type { Command } from 'commander';
import { loadDaemonConfig } from '../../config/index.js';
import { startDaemon } from '../../daemon.js';
import { createLogger } from '../../log.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the daemon (registries.d watcher, Redis; API and workers come with later releases)')
    .option('--config <file>', 'daemon config file (default: $SIGMIRROR_CONFIG, else config/sigmirror.yaml)')
    .addHelpText(
      'after',
      '\nExamples:\n  sigmirror serve\n  sigmirror serve --config /etc/sigmirror/sigmirror.yaml',
    )
    .action(async (opts: { config?: string }) => {
      const loaded = loadDaemonConfig(opts.config);
      const logger = createLogger(loaded.config.log.level);
      const daemon = await startDaemon(loaded, logger);
      logger.info({ redis: daemon.redisUrl }, 'sigmirror is running');
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
    });
}
