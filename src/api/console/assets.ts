/**
 * The console's two static files, read once from `static/` beside this module: in src/ when run
 * with tsx, in dist/src/ after `npm run build` (its script copies the directory there). Pages
 * link them with `?v=<content hash>`, so they can be cached for a year and still change on upgrade.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** A file served under `/console/static/`. */
export interface Asset {
  readonly name: string;
  readonly type: string;
  readonly body: Buffer;
  /** The URL pages use: `/console/static/<name>?v=<12 hex of its sha256>`. */
  readonly url: string;
}

/** Asset URLs carry their hash: a year, never revalidated. */
export const ASSET_CACHE_CONTROL = 'public, max-age=31536000, immutable';

const TYPES = { 'console.js': 'text/javascript; charset=utf-8', 'console.css': 'text/css; charset=utf-8' };

function load(name: keyof typeof TYPES): Asset {
  const body = readFileSync(new URL(`./static/${name}`, import.meta.url));
  const version = createHash('sha256').update(body).digest('hex').slice(0, 12);
  return { name, type: TYPES[name], body, url: `/console/static/${name}?v=${version}` };
}

/** Both assets; throws (at startup) when the build did not copy them. */
export function loadAssets(): { readonly script: Asset; readonly style: Asset } {
  return { script: load('console.js'), style: load('console.css') };
}
