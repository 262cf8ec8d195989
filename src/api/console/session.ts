/**
 * Who is looking at a console page: the token of the `sigmirror_console` cookie (set by
 * console.js at login), or of an `Authorization: Bearer` header (scripts, curl), checked against
 * the same TokenSet as the API (constant-time, never logged).
 * WARNING: the cookie authenticates page GETs only. State changes go to the /v1 API with the
 * Authorization header console.js adds, which a cross-site request cannot forge: no CSRF surface.
 * Keep it that way: never accept the cookie on a route that changes anything.
 */
import type { Middleware } from 'koa';
import type { Principal } from '../../auth/index.js';
import { principalOf, type AuthDeps } from '../auth.js';
import { ApiError } from '../errors.js';

/** The cookie console.js sets: `sigmirror_console=<token>; Path=/console; SameSite=Strict[; Secure]`. */
export const CONSOLE_COOKIE = 'sigmirror_console';

/** The principal of the request, or why there is none (`none`: no credentials; `invalid`: a stale cookie). */
export function consolePrincipal(
  header: string | undefined,
  cookie: string | undefined,
  auth: AuthDeps,
): Principal | 'none' | 'invalid' {
  const tokens = auth.tokens();
  // A bad Bearer header is refused as the API refuses it (401), not sent to the login page.
  if (header) return principalOf(header, tokens)!;
  if (!cookie) return 'none';
  let token: string;
  try {
    token = decodeURIComponent(cookie);
  } catch {
    return 'invalid';
  }
  return tokens.authenticate(token) ?? 'invalid';
}

/**
 * Page GETs: a reader (or admin) token; with `auth.anonymousRead` (the default) no token at all,
 * as the API's read routes. Otherwise a 303 to the login page (which returns here after), or 403
 * for a token without the role. Sets `ctx.state.principal`, and `ctx.state.visitor` for an
 * anonymous reader.
 */
export function requireConsoleReader(auth: AuthDeps): Middleware {
  return async (ctx, next) => {
    const found = consolePrincipal(
      ctx.get('authorization') || undefined,
      ctx.cookies.get(CONSOLE_COOKIE),
      auth,
    );
    const anonymousOk = auth.anonymousRead && (ctx.method === 'GET' || ctx.method === 'HEAD');
    if (found === 'none' || found === 'invalid') {
      if (anonymousOk) {
        ctx.state.visitor = { next: ctx.originalUrl, staleToken: found === 'invalid' };
        return next();
      }
      const params = new URLSearchParams({ next: ctx.originalUrl });
      if (found === 'invalid') params.set('reason', 'invalid');
      ctx.status = 303;
      ctx.redirect(`/console/login?${params}`);
      return;
    }
    ctx.state.principal = found;
    if (!found.roles.has('reader') && !found.roles.has('admin') && !anonymousOk)
      throw new ApiError('DENIED', `the token "${found.name}" lacks the reader role the console needs`);
    await next();
  };
}
