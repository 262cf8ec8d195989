/**
 * 405 with `Allow` for a path some route serves under other methods, whatever the method (TRACE,
 * PROPFIND, anything node:http parses); OPTIONS answers 204 with `Allow`. One gate after every
 * router instead of each router's allowedMethods(), whose unknown-method branch threw a 501 that
 * was rendered as a 500 with a stack trace.
 */
import type { Middleware } from 'koa';
import { ApiError } from './errors.js';

interface MatchedLayer {
  readonly methods: readonly string[];
}

export function methodGate(): Middleware {
  return async (ctx, next) => {
    await next();
    if (ctx.status !== 404 || ctx.body !== undefined) return;
    const matched = ((ctx as { matched?: readonly MatchedLayer[] }).matched ?? []).flatMap((l) => l.methods);
    if (!matched.length) return;
    const allow = [...new Set(matched)].join(', ');
    if (ctx.method === 'OPTIONS') {
      ctx.status = 204;
      ctx.set('Allow', allow);
      return;
    }
    throw new ApiError('METHOD_NOT_ALLOWED', `${ctx.method} is not allowed here`, undefined, {
      Allow: allow,
    });
  };
}
