/**
 * The web console: server-rendered pages under `/console` (reader role, by the cookie console.js
 * sets at `/console/login`; no token with auth.anonymousRead) and their two static files. Pages read through ConsoleData, the same
 * implementations as the /v1 routes; the action buttons call the /v1 API from the browser with
 * the user's token. See docs/console.md.
 */
import Router from '@koa/router';
import type { Principal } from '../../auth/index.js';
import type { AuthDeps } from '../auth.js';
import {
  ASSET_CACHE_CONTROL,
  consoleHeaders,
  imagePage,
  imagesPage,
  loadAssets,
  loginPage,
  overviewPage,
  parseImagesQuery,
  requireConsoleReader,
  type Asset,
  type ConsoleData,
  type PageContext,
} from '../console/index.js';
import { ApiError } from '../errors.js';
import { checkedImage } from '../paths.js';
import { imageReference } from '../../reference/index.js';

/** `/console/images/<registry>/<repository>@<digest>`, components percent-encoded or not. */
const IMAGE_PATH = /^\/console\/images\/([^/]+)\/(.+)@([^/@]+)$/;

export interface ConsoleDeps {
  readonly auth: AuthDeps;
  readonly data: ConsoleData;
}

export function consoleRoutes(deps: ConsoleDeps): Router {
  const assets = loadAssets();
  const router = new Router();
  const reader = requireConsoleReader(deps.auth);
  const html = (ctx: { type: string; body: unknown }, body: string) => {
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = body;
  };
  const pageContext = (state: { principal?: unknown; visitor?: PageContext['visitor'] }): PageContext => ({
    assets,
    principal: state.principal as Principal | undefined,
    visitor: state.visitor,
    tokensConfigured: deps.auth.tokens().size > 0,
  });

  router.use(consoleHeaders(assets));
  for (const asset of [assets.script, assets.style])
    router.get(`/console/static/${asset.name}`, serve(asset));

  router.get('/console/login', (ctx) => {
    const next = typeof ctx.query.next === 'string' ? ctx.query.next : undefined;
    const reason = ctx.query.reason === 'invalid' ? 'invalid' : undefined;
    html(ctx, loginPage(pageContext({}), next, reason));
  });
  router.get('/console', reader, async (ctx) => {
    const [summary, status] = await Promise.all([deps.data.summary(), deps.data.status()]);
    html(ctx, overviewPage(pageContext(ctx.state), summary, status));
  });
  router.get('/console/images', reader, async (ctx) => {
    const query = parseImagesQuery(ctx.query);
    const result = await deps.data.listImages(query);
    html(ctx, imagesPage(pageContext(ctx.state), query, result));
  });
  router.get(IMAGE_PATH, reader, async (ctx) => {
    const key = imageKeyOf(ctx.path);
    const [image, status] = await Promise.all([deps.data.image(key), deps.data.status()]);
    if (!image) throw new ApiError('NOT_FOUND', `no image ${imageReference(key)} is stored`);
    html(ctx, imagePage(pageContext(ctx.state), image, status.verifyKeys));
  });
  return router;
}

function serve(asset: Asset) {
  return (ctx: { type: string; body: unknown; set(field: string, value: string): void }) => {
    ctx.set('Cache-Control', ASSET_CACHE_CONTROL);
    ctx.type = asset.type;
    ctx.body = asset.body;
  };
}

/** The image of a page path, decoded and validated as the API validates it (400 otherwise). */
function imageKeyOf(path: string) {
  const m = IMAGE_PATH.exec(path);
  if (!m) throw new ApiError('NOT_FOUND');
  let parts: string[];
  try {
    parts = m.slice(1, 4).map((p) => decodeURIComponent(p));
  } catch {
    throw new ApiError('NAME_INVALID', 'invalid percent-encoding in the image path');
  }
  const [registry, repository, digest] = parts as [string, string, string];
  return checkedImage({ registry, repository, digest });
}
