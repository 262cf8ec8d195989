/**
 * Headers on every web UI response. The CSP allows only the UI's own script, stylesheet and API
 * calls: no inline script or style, no framing, no form posts elsewhere, so even markup that
 * escaped escaping could not run. Keep in sync with docs/console.md.
 */
import type { Middleware } from 'koa';
import { ApiError } from '../errors.js';
import { errorPage, type PageContext } from './layout.js';

export const UI_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** The security headers of every UI page and asset, and of /docs/api. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': UI_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/** Security headers, and 4xx errors as an HTML page (5xx go on to the API's renderer, which logs them). */
export function uiHeaders(page: Pick<PageContext, 'mount' | 'assets'>): Middleware {
  return async (ctx, next) => {
    // Pages show what a token may read: never kept by the browser or a proxy. Assets override it.
    ctx.set({ ...SECURITY_HEADERS, 'Cache-Control': 'no-store' });
    try {
      await next();
    } catch (err) {
      if (!(err instanceof ApiError) || err.status >= 500) throw err;
      ctx.status = err.status;
      ctx.set(err.headers);
      ctx.type = 'text/html; charset=utf-8';
      ctx.body = errorPage({ ...page, principal: ctx.state.principal }, err.status, err.message);
    }
  };
}
