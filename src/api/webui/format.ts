/** Small renderers every console page shares: times, status badges, links to images. Pure. */
import type { ImageKey, ImageStatus } from '../../store/index.js';
import { html, type Html } from './escape.js';

/** A value or an em dash for none. */
export function orDash(value: unknown): unknown {
  return value === null || value === undefined || value === '' ? '—' : value;
}

/** An ISO time as `2026-11-25 14:00:00Z` in a <time> element; a dash when absent. */
export function time(iso: string | null | undefined): Html {
  if (!iso) return html`—`;
  const shown = iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  return html`<time datetime="${iso}">${shown}</time>`;
}

/** The status as a coloured badge (colours in static/webui.css). */
export function statusBadge(status: ImageStatus | string): Html {
  return html`<span class="badge badge-${status}" data-status="${status}">${status}</span>`;
}

/** `/console/images/<registry>/<repository>@<digest>`, each component percent-encoded. */
export function imageHref(image: ImageKey): string {
  const repository = image.repository.split('/').map(encodeURIComponent).join('/');
  return `/console/images/${encodeURIComponent(image.registry)}/${repository}@${encodeURIComponent(image.digest)}`;
}

const REFERENCE = /^([^/]+)\/(.+)@(sha256:[a-f0-9]{64})$/;

/** A `registry/repository@sha256:…` reference as a link to its image page (plain text otherwise). */
export function referenceLink(reference: string): Html {
  const m = REFERENCE.exec(reference);
  if (!m) return html`<code>${reference}</code>`;
  const href = imageHref({ registry: m[1]!, repository: m[2]!, digest: m[3]! });
  return html`<a href="${href}"><code>${reference}</code></a>`;
}

/** A table's header row; `{ num }` columns are right-aligned, as their numbers are. */
export function tableHead(columns: readonly (string | { readonly num: string })[]): Html {
  const cell = (c: string | { readonly num: string }) =>
    typeof c === 'string' ? html`<th>${c}</th>` : html`<th class="num">${c.num}</th>`;
  return html`<thead>
    <tr>
      ${columns.map(cell)}
    </tr>
  </thead>`;
}
