/**
 * createApp: the Koa application with every route, no listen() (tests drive it through a
 * server on port 0; the daemon binds it). Order: request context, error renderer, routes.
 */
import Koa from 'koa';
import type Router from '@koa/router';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics.js';
import { ApiError, errorRenderer } from './errors.js';
import { requestContext } from './request-context.js';

/** What every app needs, plus its routers (each route module builds one). */
export interface AppDeps {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly routers: readonly Router[];
  /** Middleware before the routers (the mirror's hot path). */
  readonly pre?: readonly Koa.Middleware[];
}

export function createApp(deps: AppDeps): Koa {
  const app = new Koa({ proxy: false });
  app.silent = true; // errorRenderer logs what must be logged
  app.use(requestContext(deps.logger, deps.metrics));
  app.use(errorRenderer(deps.logger));
  for (const middleware of deps.pre ?? []) app.use(middleware);
  for (const router of deps.routers) {
    app.use(router.routes());
    app.use(
      router.allowedMethods({ throw: true, methodNotAllowed: () => new ApiError('METHOD_NOT_ALLOWED') }),
    );
  }
  return app;
}
