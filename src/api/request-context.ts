/**
 * Per-request plumbing: a request id (from X-Request-Id when sane, else generated) in every
 * log line and response, a child logger, and request metrics by matched route.
 */
import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics.js';

const SANE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export function requestContext(logger: Logger, metrics: Metrics): Middleware {
  return async (ctx, next) => {
    const start = process.hrtime.bigint();
    const given = ctx.get('x-request-id');
    const reqId = SANE_REQUEST_ID.test(given) ? given : randomUUID();
    ctx.state.reqId = reqId;
    ctx.state.log = logger.child({ reqId });
    ctx.set('X-Request-Id', reqId);
    try {
      await next();
    } finally {
      const route = (ctx as { _matchedRoute?: string })._matchedRoute ?? 'unmatched';
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      metrics.httpRequests.inc({ route: String(route), method: ctx.method, status: String(ctx.status) });
      metrics.httpDuration.observe({ route: String(route) }, seconds);
      (ctx.state.log as Logger).debug(
        { method: ctx.method, path: ctx.path, status: ctx.status, seconds },
        'request',
      );
    }
  };
}
