/**
 * Composition root: builds every long-lived part from the config, starts them, and closes them
 * in reverse order (lifecycle.ts). intake.ts, workers.ts and api.ts each start one side.
 */
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { LoadedConfig } from '../config/index.js';
import { createMetrics, type Metrics } from '../metrics.js';
import type { ImportProducer } from '../queue/index.js';
import type { RegistriesWatcher } from '../registries/index.js';
import type { SignatureStore } from '../store/index.js';
import { startApi, startStatusServer } from './api.js';
import { startIntake } from './intake.js';
import { Lifecycle } from './lifecycle.js';

/** Which parts run: `serve` runs everything, `worker` only the import workers. */
export interface DaemonMode {
  readonly workers: boolean;
  readonly api: boolean;
  /** `sigmirror worker` only: /healthz, /readyz and /metrics on `worker.statusPort` when set. */
  readonly statusServer?: boolean;
}

/** A running daemon. */
export interface Daemon {
  readonly registries: RegistriesWatcher;
  readonly store: SignatureStore;
  readonly producer: ImportProducer;
  readonly metrics: Metrics;
  readonly redisUrl: string;
  /** The API's address when it listens (`host:port`). */
  readonly address: string | undefined;
  /** Re-reads registries.d and the tokens file (SIGHUP). */
  reload(): Promise<void>;
  close(): Promise<void>;
}

export async function startDaemon(loaded: LoadedConfig, logger: Logger, mode: DaemonMode): Promise<Daemon> {
  const { config } = loaded;
  logger.info({ config: loaded.source ?? '(built-in defaults)' }, 'configuration loaded');
  const life = new Lifecycle(logger);
  // Start-up milestones, in ms since the process started (docs/benchmarks.md §Scale).
  const milestone = (msg: string) => logger.debug({ ms: Math.round(performance.now()) }, `start: ${msg}`);
  milestone('modules loaded');
  try {
    const metrics = createMetrics();
    const intake = await startIntake(config, logger, metrics, life);
    milestone('intake started (Redis, store, registries.d, tokens)');
    // Imported only here: a serving-only process never loads the workers' modules (BullMQ's
    // Worker, undici, the import pipeline), which keeps its memory and start-up small.
    if (mode.workers) {
      await (await import('./workers.js')).startWorkers(config, intake, logger, metrics, life);
      milestone('workers started');
    }
    const { statusPort } = config.worker;
    let address: string | undefined;
    if (mode.api) address = await startApi(config, intake, logger, metrics, life);
    else if (mode.statusServer && statusPort !== undefined)
      address = await startStatusServer(
        { ...config, worker: { ...config.worker, statusPort } },
        intake,
        logger,
        metrics,
        life,
      );
    milestone('listening');
    const { registries, store, producer, redisUrl, tokens } = intake;
    const reload = async () => {
      await Promise.all([registries.reload(), tokens.reload()]);
    };
    return { registries, store, producer, metrics, redisUrl, address, reload, close: () => life.close() };
  } catch (err) {
    await life.close();
    throw err;
  }
}
