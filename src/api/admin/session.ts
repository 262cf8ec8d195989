/**
 * Who is looking at a dashboard page: as for the console (src/api/console/session.ts), the token of
 * a cookie set by the page script at login, or an `Authorization: Bearer` header, checked against
 * the API's TokenSet. The dashboard's cookie is its own, `sigmirror_admin`, limited to `/admin`
 * (the console's is limited to `/console`, so the browser never sends it here).
 * WARNING: the cookie authenticates page GETs only; the job actions go to /v1/admin with the
 * Authorization header admin.js adds, never the cookie (no CSRF surface). Keep it that way.
 */
import type { Middleware } from 'koa';
import { ApiError } from '../errors.js';
import type { AuthDeps } from '../auth.js';
import { consolePrincipal } from '../console/index.js';

/** `sigmirror_admin=<token>; Path=/admin; SameSite=Strict[; Secure]`, set by admin.js. */
export const ADMIN_COOKIE = 'sigmirror_admin';

/** Where a login may return to: a dashboard path, never another origin (`//host`, `/\host`). */
export function safeAdminNext(next: string | undefined): string {
  return next && /^\/admin(?:[/?]|$)/.test(next) && !/[\\\s]|\/\//.test(next) ? next : '/admin';
}

/**
 * Page GETs: an admin token, else a 303 to /admin/login (which returns here after), or a 403 page
 * for a token without the admin role. Sets `ctx.state.principal`.
 */
export function requireAdminPage(auth: AuthDeps): Middleware {
  return async (ctx, next) => {
    const found = consolePrincipal(
      ctx.get('authorization') || undefined,
      ctx.cookies.get(ADMIN_COOKIE),
      auth,
    );
    if (found === 'none' || found === 'invalid') {
      const params = new URLSearchParams({ next: ctx.originalUrl });
      if (found === 'invalid') params.set('reason', 'invalid');
      ctx.status = 303;
      ctx.redirect(`/admin/login?${params}`);
      return;
    }
    ctx.state.principal = found;
    if (!found.roles.has('admin'))
      throw new ApiError('DENIED', `the token "${found.name}" lacks the admin role the dashboard needs`);
    await next();
  };
}
