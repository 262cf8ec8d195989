/**
 * The dashboard's static files: its own script (`static/admin.js`, beside this module in src/ and,
 * copied by `npm run build`, in dist/src/) and the console's stylesheet. Linked with
 * `?v=<content hash>` like the console's, so they can be cached for a year.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadAssets, type Asset } from '../console/index.js';

/** admin.js (served under /admin/static/) and console.css (served by the console). */
export function loadAdminAssets(): { readonly script: Asset; readonly style: Asset } {
  const body = readFileSync(new URL('./static/admin.js', import.meta.url));
  const version = createHash('sha256').update(body).digest('hex').slice(0, 12);
  const script: Asset = {
    name: 'admin.js',
    type: 'text/javascript; charset=utf-8',
    body,
    url: `/admin/static/admin.js?v=${version}`,
  };
  return { script, style: loadAssets().style };
}
