/**
 * Who is looking at a page of a web UI: the token of the mount's cookie (set by the script at
 * login), or of an `Authorization: Bearer` header (scripts, curl), checked against the same
 * TokenSet as the API (constant-time, never logged).
 * WARNING: the cookie authenticates page GETs only. State changes go to the /v1 API with the
 * Authorization header the script adds, which a cross-site request cannot forge: no CSRF surface.
 * Keep it that way: never accept the cookie on a route that changes anything.
 */
import type { Middleware } from 'koa';
import type { Principal } from '../../auth/index.js';
import { principalOf, type AuthDeps } from '../auth.js';
import { ApiError } from '../errors.js';
import type { UiMount } from './mounts.js';

/** The principal of the request, or why there is none (`none`: no credentials; `invalid`: a stale cookie). */
export function pagePrincipal(
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

/** Where a login may return to: a page of the mount, never another origin (`//host`, `/\host`). */
export function safeNext(mount: UiMount, next: string | undefined): string {
  if (!next?.startsWith(mount.prefix) || /[\\\s]|\/\//.test(next)) return mount.prefix;
  const rest = next.slice(mount.prefix.length);
  return rest === '' || rest.startsWith('/') || rest.startsWith('?') ? next : mount.prefix;
}

/**
 * Page GETs: a token with the mount's role (admin implies it); for a mount read anonymously with
 * `auth.anonymousRead`, no token at all, as the API's read routes. Otherwise a 303 to the login
 * page (which returns here after), or 403 for a token without the role. Sets
 * `ctx.state.principal`, and `ctx.state.visitor` for an anonymous reader.
 */
export function requirePage(mount: UiMount, auth: AuthDeps): Middleware {
  return async (ctx, next) => {
    const found = pagePrincipal(ctx.get('authorization') || undefined, ctx.cookies.get(mount.cookie), auth);
    const anonymousOk =
      mount.anonymousRead && auth.anonymousRead && (ctx.method === 'GET' || ctx.method === 'HEAD');
    if (found === 'none' || found === 'invalid') {
      if (anonymousOk) {
        ctx.state.visitor = { next: ctx.originalUrl, staleToken: found === 'invalid' };
        return next();
      }
      const params = new URLSearchParams({ next: ctx.originalUrl });
      if (found === 'invalid') params.set('reason', 'invalid');
      ctx.status = 303;
      ctx.redirect(`${mount.prefix}/login?${params}`);
      return;
    }
    ctx.state.principal = found;
    if (!found.roles.has(mount.role) && !found.roles.has('admin') && !anonymousOk)
      throw new ApiError(
        'DENIED',
        `the token "${found.name}" lacks the ${mount.role} role ${mount.name} needs`,
      );
    await next();
  };
}
