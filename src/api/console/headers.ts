/**
 * Headers on every console response. The CSP allows only the console's own script, stylesheet
 * and API calls: no inline script or style, no framing, no form posts elsewhere, so even markup
 * that escaped escaping could not run. Keep in sync with docs/console.md.
 */
import type { Middleware } from 'koa';
import { ApiError } from '../errors.js';
import type { PageContext } from './layout.js';
import { errorPage } from './layout.js';

export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** Security headers, and 4xx errors as an HTML page (5xx go on to the API's renderer, which logs them). */
export function consoleHeaders(assets: PageContext['assets']): Middleware {
  return async (ctx, next) => {
    ctx.set({
      'Content-Security-Policy': CONSOLE_CSP,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      // Pages show what a token may read: never kept by the browser or a proxy. Assets override it.
      'Cache-Control': 'no-store',
    });
    try {
      await next();
    } catch (err) {
      if (!(err instanceof ApiError) || err.status >= 500) throw err;
      ctx.status = err.status;
      ctx.set(err.headers);
      ctx.type = 'text/html; charset=utf-8';
      ctx.body = errorPage({ assets, principal: ctx.state.principal }, err.status, err.message);
    }
  };
}
