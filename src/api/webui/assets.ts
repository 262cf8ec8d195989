/**
 * The web UIs' two static files, read once from `static/` beside this module: in src/ when run
 * with tsx, in dist/src/ after `npm run build` (its script copies the directory there). Every
 * mount serves the one script under its own name (`/console/static/console.js`,
 * `/admin/static/admin.js`; the page's body names its mount); the one stylesheet is
 * served by the console and linked by every page. Pages link them with `?v=<content hash>`, so
 * they can be cached for a year and still change on upgrade.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Middleware } from 'koa';
import type { UiMount } from './mounts.js';

/** A file served under `<prefix>/static/`. */
export interface Asset {
  /** The route: `/console/static/console.css`. */
  readonly path: string;
  readonly type: string;
  readonly body: Buffer;
  /** The URL pages use: the path and `?v=<12 hex of its sha256>`. */
  readonly url: string;
}

/** What a page links: one script, one stylesheet. */
export interface UiAssets {
  readonly script: Asset;
  readonly style: Asset;
}

/** Asset URLs carry their hash: a year, never revalidated. */
export const ASSET_CACHE_CONTROL = 'public, max-age=31536000, immutable';

const SCRIPT_TYPE = 'text/javascript; charset=utf-8';
const STYLE_TYPE = 'text/css; charset=utf-8';
/** Where the stylesheet is served (by the console's mount). */
const STYLE_PATH = '/console/static/console.css';

function load(file: string, path: string, type: string): Asset {
  const body = readFileSync(new URL(`./static/${file}`, import.meta.url));
  const version = createHash('sha256').update(body).digest('hex').slice(0, 12);
  return { path, type, body, url: `${path}?v=${version}` };
}

/** The stylesheet every page links (/docs/api too). Throws (at startup) when the build did not copy it. */
export function uiStyle(): Asset {
  return load('webui.css', STYLE_PATH, STYLE_TYPE);
}

/** A mount's script and the shared stylesheet. */
export function uiAssets(mount: UiMount): UiAssets {
  return {
    script: load('webui.js', `${mount.prefix}/static/${mount.script}`, SCRIPT_TYPE),
    style: uiStyle(),
  };
}

/** The assets a mount serves: those under its prefix. */
export function servedAssets(mount: UiMount, assets: UiAssets): Asset[] {
  return [assets.script, assets.style].filter((a) => a.path.startsWith(`${mount.prefix}/`));
}

/** The one static handler: the file, typed, cached for a year. */
export function serveAsset(asset: Asset): Middleware {
  return (ctx) => {
    ctx.set('Cache-Control', ASSET_CACHE_CONTROL);
    ctx.type = asset.type;
    ctx.body = asset.body;
  };
}
