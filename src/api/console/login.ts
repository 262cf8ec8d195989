/**
 * `/console/login`: the user pastes an API token; console.js keeps it in sessionStorage (for the
 * action buttons' Authorization header) and in the `sigmirror_console` cookie (for page GETs),
 * then goes to `next`. The input has no name, so a submit without JavaScript sends nothing.
 */
import { html } from './escape.js';
import { page, type PageContext } from './layout.js';
import { noTokensNotice } from './no-tokens.js';

/** Where a login may return to: a console path, never another origin (`//host`, `/\host`). */
export function safeNext(next: string | undefined): string {
  return next && /^\/console(?:[/?]|$)/.test(next) && !/[\\\s]|\/\//.test(next) ? next : '/console';
}

/** Why the login page is shown again. */
export type LoginReason = 'invalid' | undefined;

export function loginPage(ctx: PageContext, next: string | undefined, reason: LoginReason): string {
  const notice =
    reason === 'invalid'
      ? html`<p class="error" id="login-error">
          The saved token was not accepted (unknown, revoked, or its file changed). Paste a valid one.
        </p>`
      : '';
  const body = html`<h1>Sign in</h1>
    ${notice} ${ctx.tokensConfigured === false ? noTokensNotice() : ''}
    <form id="login" class="card narrow" data-next="${safeNext(next)}" autocomplete="off">
      <label for="token">API token</label>
      <input id="token" type="password" required autofocus spellcheck="false" />
      <p class="hint">
        A token from <code>sigmirror token create</code>; pages need the reader role, re-import the importer
        role, saved verifications the auditor role. It stays in this tab's sessionStorage and in a session
        cookie limited to <code>/console</code> until you log out or close the browser.
      </p>
      <button type="submit">Sign in</button>
    </form>`;
  return page({ assets: ctx.assets }, 'Sign in', 'none', body);
}
