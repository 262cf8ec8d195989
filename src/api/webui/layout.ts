/**
 * The page shell every web UI page shares: one stylesheet, one deferred script (the CSP forbids
 * anything inline), a header naming who is signed in, and on <body> the mount the script acts
 * for (its cookie, and every UI's cookie, which "Log out" removes).
 */
import type { Principal } from '../../auth/index.js';
import type { UiAssets } from './assets.js';
import { html, type Html } from './escape.js';
import { UI_MOUNTS, type UiMount } from './mounts.js';

/** What a page is rendered with. */
export interface PageContext {
  /** The UI the page belongs to. */
  readonly mount: UiMount;
  readonly assets: UiAssets;
  /** Who is signed in; undefined on the login and error pages, and for anonymous readers. */
  readonly principal?: Principal | undefined;
  /** An anonymous reader (auth.anonymousRead): where "Sign in" returns to, and whether a saved token failed. */
  readonly visitor?: { readonly next: string; readonly staleToken: boolean } | undefined;
  /** The daemon accepts at least one token (false: pages say how to create and configure one). */
  readonly tokensConfigured?: boolean | undefined;
}

/** Which header link is current. */
export type Section = 'overview' | 'images' | 'releases' | 'none';

function header(ctx: PageContext, section: Section): Html {
  const link = (href: string, label: string, own: Section) => {
    const current = section === own ? html`aria-current="page"` : '';
    return html`<a href="${href}" ${current}>${label}</a>`;
  };
  const who = ctx.principal
    ? html`<span class="who"
          >signed in as
          <strong>${ctx.principal.name}</strong> (${[...ctx.principal.roles].sort().join(', ')})</span
        >
        <button type="button" id="logout" class="link">Log out</button>`
    : ctx.visitor
      ? visitorLinks(ctx.visitor)
      : '';
  return html`<header class="top">
    <span class="brand">sigmirror</span>
    <nav>
      ${link('/console', 'Overview', 'overview')} ${link('/console/images', 'Images', 'images')}
      ${link('/console/images?registry=release-signatures', 'Releases', 'releases')}
    </nav>
    ${who}
  </header>`;
}

/** An anonymous reader's header: read-only, and a way to sign in for the actions. */
function visitorLinks(visitor: NonNullable<PageContext['visitor']>): Html {
  const why = visitor.staleToken ? ' (the saved token was not accepted)' : '';
  const next = new URLSearchParams({ next: visitor.next });
  return html`<span class="who" id="visitor">read-only, not signed in${why}</span>
    <a id="sign-in" href="/console/login?${next.toString()}">Sign in</a>`;
}

/** `name=path` of every UI's cookie, space-separated: what the script clears at log out. */
const LOGOUT = UI_MOUNTS.map((m) => `${m.cookie}=${m.prefix}`).join(' ');

/** A whole HTML document. */
export function page(ctx: PageContext, title: string, section: Section, body: Html): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · sigmirror</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="${ctx.assets.style.url}" />
        <script src="${ctx.assets.script.url}" defer></script>
      </head>
      <body data-ui="${ctx.mount.prefix}" data-cookie="${ctx.mount.cookie}" data-logout="${LOGOUT}">
        ${header(ctx, section)}
        <main>${body}</main>
      </body>
    </html> `.value;
}

/** An error page (4xx): the status and the API's message. */
export function errorPage(ctx: PageContext, status: number, message: string): string {
  const body = html`<h1>
      ${status === 403 ? 'Not allowed' : status === 404 ? 'Not found' : 'Request refused'}
    </h1>
    <p class="error" id="error-message">${message}</p>
    <p><a href="/console">Back to the overview</a></p>`;
  return page(ctx, `Error ${status}`, 'none', body);
}
