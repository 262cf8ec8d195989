/**
 * `/metrics` with `listen.processes` > 1: every serving process counts only its own requests, and
 * the primary alone runs the import workers, so a scrape answered by one process would see a
 * fraction that changes from scrape to scrape. The answering process asks the primary instead;
 * the primary gathers its own metrics and every API process's over the cluster IPC channel and
 * merges them with prom-client's AggregatorRegistry (counters and histograms summed, gauges by
 * their `aggregator`).
 */
import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

/** A process that does not answer within this is left out of the scrape. */
const GATHER_TIMEOUT_MS = 2_000;

const ASK = 'sigmirror:metrics:ask'; // API process → primary: the merged text, please
const ANSWER = 'sigmirror:metrics:answer'; // primary → the asking process
const COLLECT = 'sigmirror:metrics:collect'; // primary → every API process: your metrics, please
const COLLECTED = 'sigmirror:metrics:collected'; // API process → primary

interface Message {
  readonly type: string;
  readonly id: number;
  readonly text?: string;
  readonly error?: string;
  readonly metrics?: unknown;
}

type MetricsJson = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;

const isMessage = (m: unknown): m is Message =>
  typeof m === 'object' && m !== null && typeof (m as Message).type === 'string';

/** In the primary: answers API processes' scrapes with the metrics of every process. */
export function serveClusterMetrics(registry: Registry, refresh: () => Promise<void>): void {
  let next = 0;
  const pending = new Map<number, { metrics: MetricsJson[]; left: Set<Worker>; done: () => void }>();
  const onMessage = (worker: Worker, message: unknown) => {
    if (!isMessage(message)) return;
    if (message.type === COLLECTED) {
      const gather = pending.get(message.id);
      if (!gather || !gather.left.delete(worker)) return;
      gather.metrics.push(message.metrics as MetricsJson);
      if (gather.left.size === 0) gather.done();
    } else if (message.type === ASK) {
      void merged().then(
        (text) => worker.isConnected() && worker.send({ type: ANSWER, id: message.id, text }),
        (err: Error) =>
          worker.isConnected() && worker.send({ type: ANSWER, id: message.id, error: err.message }),
      );
    }
  };
  const merged = async (): Promise<string> => {
    await refresh().catch(() => undefined);
    const id = next++;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w?.isConnected());
    const gather = { metrics: [await registry.getMetricsAsJSON()], left: new Set(workers), done: () => {} };
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, GATHER_TIMEOUT_MS);
      gather.done = () => {
        clearTimeout(timer);
        resolve();
      };
      pending.set(id, gather);
      for (const w of workers) w.send({ type: COLLECT, id });
      if (!workers.length) gather.done();
    });
    pending.delete(id);
    return AggregatorRegistry.aggregate(gather.metrics).metrics();
  };
  cluster.on('message', onMessage);
}

/** In an API process: answers the primary's collections; returns the scrape function for /metrics. */
export function clusterMetricsScrape(registry: Registry): () => Promise<string> {
  let next = 0;
  const waiting = new Map<number, (answer: Message) => void>();
  process.on('message', (message: unknown) => {
    if (!isMessage(message)) return;
    if (message.type === COLLECT) {
      void registry
        .getMetricsAsJSON()
        .then((metrics) => process.send?.({ type: COLLECTED, id: message.id, metrics }));
    } else if (message.type === ANSWER) {
      waiting.get(message.id)?.(message);
      waiting.delete(message.id);
    }
  });
  return () =>
    new Promise<string>((resolve, reject) => {
      const id = next++;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error(`the primary process did not answer within ${2 * GATHER_TIMEOUT_MS} ms`));
      }, 2 * GATHER_TIMEOUT_MS);
      waiting.set(id, (answer) => {
        clearTimeout(timer);
        if (answer.error !== undefined)
          reject(new Error(`the primary process could not gather them: ${answer.error}`));
        else resolve(answer.text ?? '');
      });
      process.send?.({ type: ASK, id });
    });
}
