/**
 * Bearer-token authorization per route. 401 with WWW-Authenticate when the token is missing or
 * unknown, 403 when it lacks the role. Anonymous GET/HEAD of public read routes when configured.
 * WARNING: the Authorization header is never logged or echoed.
 */
import type { Middleware } from 'koa';
import type { Principal, Role, TokenSet } from '../auth/index.js';
import { ApiError } from './errors.js';

const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="sigmirror"' };
/** Why every token is refused on a daemon that has none, and how to make one. */
export const NO_TOKENS_CONFIGURED =
  'no API tokens are configured (auth.tokensFile is unset or lists none): create one with `sigmirror token create --name <you> --role admin`, add its entry to a tokens file and set auth.tokensFile';

/** What the auth middleware needs: the tokens in force and the anonymous-read switch. */
export interface AuthDeps {
  readonly tokens: () => TokenSet;
  readonly anonymousRead: boolean;
}

/** The authenticated principal, or undefined (anonymous). Throws 401 for a bad token. */
export function principalOf(authorization: string | undefined, tokens: TokenSet): Principal | undefined {
  if (!authorization) return undefined;
  const match = /^Bearer ([^\s]+)$/i.exec(authorization);
  const principal = match ? tokens.authenticate(match[1]!) : undefined;
  if (!principal && tokens.size === 0)
    throw new ApiError('UNAUTHORIZED', NO_TOKENS_CONFIGURED, undefined, CHALLENGE);
  if (!principal) throw new ApiError('UNAUTHORIZED', 'invalid or unknown bearer token', undefined, CHALLENGE);
  return principal;
}

/**
 * Requires `role` (or one of several; admin implies every role). `publicRead`: GET/HEAD pass without a token when
 * anonymous reads are on.
 */
export function requireRole(deps: AuthDeps, role: Role | readonly Role[], publicRead = false): Middleware {
  const anyOf: readonly Role[] = typeof role === 'string' ? [role] : role;
  return async (ctx, next) => {
    const principal = principalOf(ctx.get('authorization') || undefined, deps.tokens());
    const anonymousOk = publicRead && deps.anonymousRead && (ctx.method === 'GET' || ctx.method === 'HEAD');
    if (!principal && !anonymousOk) throw new ApiError('UNAUTHORIZED', undefined, undefined, CHALLENGE);
    if (
      principal &&
      !anyOf.some((r) => principal.roles.has(r)) &&
      !principal.roles.has('admin') &&
      !anonymousOk
    ) {
      throw new ApiError('DENIED', `the token "${principal.name}" lacks the ${anyOf.join(' or ')} role`);
    }
    ctx.state.principal = principal;
    await next();
  };
}
