/**
 * The HTTP side of a daemon: the API (`serve`), or only /healthz, /readyz and /metrics on
 * `worker.statusPort` (`sigmirror worker`). Each returns the address it listens on.
 */
import cluster from 'node:cluster';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { buildApi, buildStatusApp, listen } from '../api/index.js';
import type { DaemonConfig } from '../config/index.js';
import type { Metrics } from '../metrics.js';
import type { Intake } from './intake.js';
import type { Lifecycle } from './lifecycle.js';
import { clusterMetricsScrape } from './metrics-cluster.js';

export async function startApi(
  config: DaemonConfig,
  intake: Intake,
  logger: Logger,
  metrics: Metrics,
  life: Lifecycle,
): Promise<string> {
  const apiLogger = logger.child({ module: 'api' });
  const app = buildApi({
    config,
    store: intake.store,
    producer: intake.producer,
    registries: intake.registries,
    tokens: intake.tokens,
    metrics,
    logger: apiLogger,
    // A cluster API process reports the metrics of every process (metrics-cluster.ts).
    scrapeMetrics: cluster.isWorker ? clusterMetricsScrape(metrics.registry) : undefined,
  });
  const server = await listen(app, config.listen.host, config.listen.port, apiLogger);
  const address = addressOf(server);
  logger.info({ address }, 'API listening');
  life.stopping('HTTP server', () => closeServer(server));
  return address;
}

export async function startStatusServer(
  config: DaemonConfig & { worker: { statusPort: number } },
  intake: Intake,
  logger: Logger,
  metrics: Metrics,
  life: Lifecycle,
): Promise<string> {
  const statusLogger = logger.child({ module: 'status' });
  const { producer, registries } = intake;
  const app = buildStatusApp({ config, producer, registries, metrics, logger: statusLogger });
  const server = await listen(app, config.worker.statusHost, config.worker.statusPort, statusLogger);
  const address = addressOf(server);
  logger.info({ address }, 'worker status endpoint listening');
  life.stopping('status server', () => closeServer(server));
  return address;
}

function addressOf(server: Server): string {
  const bound = server.address() as AddressInfo;
  return `${bound.address}:${bound.port}`;
}

const closeServer = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));
