/**
 * `/healthz` (process up, with detail such as a rejected registries.d edit), `/readyz` (every check
 * passes, with reasons: "can serve correct answers now") and `/metrics`.
 */
import Router from '@koa/router';
import type { Metrics } from '../../metrics.js';
import type { HealthBody } from '../response-types.js';

/** A readiness check: undefined when ready, else the reason. */
export type ReadinessCheck = () => Promise<string | undefined> | string | undefined;

export interface HealthDeps {
  readonly metrics: Metrics;
  /** Named checks, e.g. redis, registries, store. */
  readonly readiness: Readonly<Record<string, ReadinessCheck>>;
  /** Refreshes sampled metrics (queue depth) before a scrape. */
  readonly beforeScrape?: () => Promise<void>;
  /** Replaces the local registry's text (a cluster API process asks the primary for every process's). */
  readonly scrape?: (() => Promise<string>) | undefined;
  /** Facts /healthz adds next to `status: ok` (never a reason to fail it: the process is up). */
  readonly detail?: () => Readonly<Record<string, unknown>>;
}

/** How long one readiness check may take before it counts as failed. */
const CHECK_TIMEOUT_MS = 2_000;

export function healthRoutes(deps: HealthDeps): Router {
  const router = new Router();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok', ...deps.detail?.() } satisfies HealthBody;
  });
  router.get('/readyz', async (ctx) => {
    const results = await Promise.all(
      Object.entries(deps.readiness).map(async ([name, check]) => [name, await runCheck(check)] as const),
    );
    const failing = results.filter(([, reason]) => reason !== undefined);
    ctx.status = failing.length ? 503 : 200;
    ctx.body = {
      status: failing.length ? 'unready' : 'ready',
      checks: Object.fromEntries(results.map(([name, reason]) => [name, reason ?? 'ok'])),
    };
  });
  router.get('/metrics', async (ctx) => {
    if (deps.scrape) {
      // Partial counters would make rates jump: a failed gather is a failed scrape.
      const text = await deps.scrape().catch((err: Error) => err);
      ctx.status = text instanceof Error ? 503 : 200;
      ctx.type = text instanceof Error ? 'text/plain' : deps.metrics.registry.contentType;
      ctx.body = text instanceof Error ? `metrics unavailable: ${text.message}\n` : text;
      return;
    }
    await deps.beforeScrape?.().catch(() => undefined);
    ctx.type = deps.metrics.registry.contentType;
    ctx.body = await deps.metrics.registry.metrics();
  });
  return router;
}

async function runCheck(check: ReadinessCheck): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      Promise.resolve(check()),
      new Promise<string>((resolve) => {
        timer = setTimeout(() => resolve(`no answer within ${CHECK_TIMEOUT_MS} ms`), CHECK_TIMEOUT_MS);
      }),
    ]);
  } catch (err) {
    return (err as Error).message;
  } finally {
    clearTimeout(timer);
  }
}
