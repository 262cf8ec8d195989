/**
 * One web UI on a router: its script (and the stylesheet, for the console), its login page, and
 * its pages, each behind the mount's session check, every answer with the UI's headers. The
 * pages are the console's and the dashboard's own modules; this is all they share.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { Principal } from '../../auth/index.js';
import type { AuthDeps } from '../auth.js';
import { servedAssets, serveAsset, uiAssets } from './assets.js';
import { uiHeaders } from './headers.js';
import type { PageContext } from './layout.js';
import { loginPage } from './login.js';
import type { UiMount } from './mounts.js';
import { requirePage } from './session.js';

/** A page: its route (a path-to-regexp string or a RegExp) and how it renders. */
export interface UiPage {
  readonly path: string | RegExp;
  render(ctx: Context, page: PageContext): Promise<string>;
}

function sendHtml(ctx: Context, body: string): void {
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = body;
}

/** Adds the mount's routes to `router` (which may hold other routes, without the UI's headers). */
export function mountWebUi(router: Router, mount: UiMount, auth: AuthDeps, pages: readonly UiPage[]): Router {
  const assets = uiAssets(mount);
  const headers = uiHeaders({ mount, assets });
  const guard = requirePage(mount, auth);
  const context = (state: { principal?: unknown; visitor?: PageContext['visitor'] }): PageContext => ({
    mount,
    assets,
    principal: state.principal as Principal | undefined,
    visitor: state.visitor,
    tokensConfigured: auth.tokens().size > 0,
  });

  for (const asset of servedAssets(mount, assets)) router.get(asset.path, headers, serveAsset(asset));
  router.get(`${mount.prefix}/login`, headers, (ctx) => {
    const next = typeof ctx.query.next === 'string' ? ctx.query.next : undefined;
    sendHtml(ctx, loginPage(context({}), next, ctx.query.reason === 'invalid' ? 'invalid' : undefined));
  });
  for (const { path, render } of pages)
    router.get(path, headers, guard, async (ctx) => sendHtml(ctx, await render(ctx, context(ctx.state))));
  return router;
}
