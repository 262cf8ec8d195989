/**
 * The dashboard's pages are web UI pages (src/api/webui: the same shell, stylesheet, script and
 * escaping) on the ADMIN_UI mount, with a second navigation line: the status page and one page
 * per queue.
 */
import { html, page, type Html, type PageContext } from '../webui/index.js';

/** What a dashboard page is rendered with: the UI's context plus the queue names. */
export interface AdminPageContext extends PageContext {
  readonly queues: readonly string[];
}

/** `/admin/queues/<name>`. */
export function queueHref(name: string): string {
  return `/admin/queues/${encodeURIComponent(name)}`;
}

function adminNav(ctx: AdminPageContext, current: string): Html {
  const link = (href: string, label: string) => {
    const here = href === current ? html`aria-current="page"` : '';
    return html`<a href="${href}" ${here}>${label}</a>`;
  };
  return html`<nav class="paging" id="admin-nav" aria-label="dashboard">
    ${link('/admin', 'Status')} ${ctx.queues.map((q) => link(queueHref(q), `Queue: ${q}`))}
  </nav>`;
}

/** A whole dashboard page; `current` is the path of the navigation link to mark. */
export function adminPage(ctx: AdminPageContext, title: string, current: string, body: Html): string {
  return page(ctx, title, 'none', html`${adminNav(ctx, current)} ${body}`);
}
