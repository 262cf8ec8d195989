/**
 * prom-client registry and every sigmirror metric, named `sigmirror_<subsystem>_…`.
 * One registry per daemon (tests create their own), so nothing is global.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The daemon's metrics; created once in the composition root and passed down. */
export interface Metrics {
  readonly registry: Registry;
  /** registries.d loads, by result: applied | rejected. */
  readonly registriesReloads: Counter<'result'>;
  /** 1 while the latest registries.d load was rejected (the last good config is in force). */
  readonly registriesConfigError: Gauge;
  /** Upstream fetch decisions and errors, by kind (not-found, soft-404, forbidden-as-missing, timeout, …). */
  readonly fetchEvents: Counter<'kind'>;
  /** 1 while an upstream host's circuit is open (fetch/breaker.ts), by host. */
  readonly fetchHostOffline: Gauge<'host'>;
  /** Import jobs finished, by outcome: imported | unchanged | empty | failed | retried. */
  readonly importJobs: Counter<'outcome'>;
  /** Signatures added to the store, by source: import | upload. */
  readonly signaturesStored: Counter<'source'>;
  /** Jobs waiting or delayed in the import queue (sampled). */
  readonly queueDepth: Gauge;
  /** HTTP requests by route and status. */
  readonly httpRequests: Counter<'route' | 'method' | 'status'>;
  /** A counter of one route's requests into httpRequests, for hot paths (see RequestTally). */
  readonly tallyRequests: (route: string) => (method: string, status: number) => void;
  /** Registers a lookaside route's cache, read into sigmirror_mirror_cache_* at each collection. */
  readonly watchCache: (route: string, stats: () => { entries: number; bytes: number }) => void;
  readonly httpDuration: Histogram<'route'>;
}

/** Creates a registry with every metric (and Node's default process metrics when `defaults`). */
export function createMetrics(defaults = true): Metrics {
  const registry = new Registry();
  if (defaults) collectDefaultMetrics({ register: registry, prefix: 'sigmirror_' });
  const registers = [registry];
  return { registry, ...importMetrics(registers), ...httpMetrics(registers) };
}

type Registers = Registry[];

/** registries.d, upstream fetches, import jobs, the store and the queue. */
function importMetrics(registers: Registers) {
  return {
    registriesReloads: new Counter({
      name: 'sigmirror_registries_reloads_total',
      help: 'registries.d loads by result (applied, rejected)',
      labelNames: ['result'],
      registers,
    }),
    registriesConfigError: new Gauge({
      name: 'sigmirror_registries_config_error',
      help: '1 while the latest registries.d edit is rejected and the last good configuration is in force',
      aggregator: 'max', // across processes: 1 when any of them runs on the last good config
      registers,
    }),
    fetchHostOffline: new Gauge({
      name: 'sigmirror_fetch_host_offline',
      help: '1 while an upstream host is taken offline after consecutive failures (its circuit is open)',
      labelNames: ['host'],
      registers,
    }),
    fetchEvents: new Counter({
      name: 'sigmirror_fetch_events_total',
      help: 'Upstream sigstore fetch decisions and errors by kind',
      labelNames: ['kind'],
      registers,
    }),
    importJobs: new Counter({
      name: 'sigmirror_import_jobs_total',
      help: 'Import jobs finished by outcome',
      labelNames: ['outcome'],
      registers,
    }),
    signaturesStored: new Counter({
      name: 'sigmirror_store_signatures_added_total',
      help: 'Signatures added to the store by source (import, upload)',
      labelNames: ['source'],
      registers,
    }),
    queueDepth: new Gauge({
      name: 'sigmirror_queue_depth',
      help: 'Import jobs waiting or delayed',
      aggregator: 'max', // sampled by the primary; API processes leave it at 0
      registers,
    }),
  };
}

/** The API's requests, counted by the mirror's node:http path and by Koa. */
function httpMetrics(registers: Registers) {
  const tallies: RequestTally[] = [];
  const httpRequests = new Counter({
    name: 'sigmirror_api_requests_total',
    help: 'HTTP requests by route, method and status',
    labelNames: ['route', 'method', 'status'],
    registers,
    collect() {
      for (const tally of tallies) tally.flush(this);
    },
  });
  return {
    httpRequests,
    tallyRequests: (route: string) => {
      const tally = new RequestTally(route);
      tallies.push(tally);
      return tally.count;
    },
    ...cacheMetrics(registers),
    httpDuration: new Histogram({
      name: 'sigmirror_api_request_duration_seconds',
      help: 'HTTP request duration by route',
      labelNames: ['route'],
      buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers,
    }),
  };
}

/** What the mirror's blob caches hold, read from them when scraped (nothing on the hot path). */
function cacheMetrics(registers: Registers) {
  const caches = new Map<string, () => { entries: number; bytes: number }>();
  const sample = (pick: 'entries' | 'bytes') =>
    function (this: Gauge<'route'>) {
      for (const [route, stats] of caches) this.set({ route }, stats()[pick]);
    };
  new Gauge({
    name: 'sigmirror_mirror_cache_bytes',
    help: "Bytes the mirror's blob cache holds (blobs, keys and per-entry overhead), by route",
    labelNames: ['route'],
    registers,
    collect: sample('bytes'),
  });
  new Gauge({
    name: 'sigmirror_mirror_cache_entries',
    help: "Blobs the mirror's cache holds, by route",
    labelNames: ['route'],
    registers,
    collect: sample('entries'),
  });
  return {
    watchCache: (route: string, stats: () => { entries: number; bytes: number }) =>
      void caches.set(route, stats),
  };
}

/**
 * One route's request counts in plain integers, added to the counter when it is collected (every
 * scrape and every read of it). prom-client builds and checks a label key on each inc, about 5 %
 * of a cached mirror answer's CPU (docs/benchmarks.md §Scale).
 */
class RequestTally {
  readonly #counts = new Map<string, Map<number, number>>();
  constructor(readonly route: string) {}

  readonly count = (method: string, status: number): void => {
    let byStatus = this.#counts.get(method);
    if (!byStatus) this.#counts.set(method, (byStatus = new Map()));
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
  };

  flush(counter: Counter<'route' | 'method' | 'status'>): void {
    for (const [method, byStatus] of this.#counts)
      for (const [status, n] of byStatus)
        if (n > 0) {
          counter.inc({ route: this.route, method, status: String(status) }, n);
          byStatus.set(status, 0);
        }
  }
}
