/**
 * createApp: the Koa application with every route, no listen() (listen.ts binds it, for the
 * daemon and the tests alike). Order: request context, error renderer, routes, method gate.
 */
import Koa from 'koa';
import type Router from '@koa/router';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics.js';
import { errorRenderer } from './errors.js';
import { methodGate } from './method-gate.js';
import { requestContext } from './request-context.js';

/** What every app needs, plus its routers (each route module builds one). */
export interface AppDeps {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly routers: readonly Router[];
}

export function createApp(deps: AppDeps): Koa {
  const app = new Koa({ proxy: false });
  app.silent = true; // errorRenderer logs what must be logged
  app.use(requestContext(deps.logger, deps.metrics));
  app.use(errorRenderer(deps.logger));
  app.use(methodGate());
  for (const router of deps.routers) app.use(router.routes());
  return app;
}
