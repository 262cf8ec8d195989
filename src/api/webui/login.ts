/**
 * `<prefix>/login`: the user pastes an API token; the script keeps it in sessionStorage (for the
 * action buttons' Authorization header) and in the mount's cookie (for page GETs), then goes to
 * `next`. The input has no name, so a submit without JavaScript sends nothing.
 */
import { html } from './escape.js';
import { page, type PageContext } from './layout.js';
import { noTokensNotice } from './no-tokens.js';
import { safeNext } from './session.js';

/** Why the login page is shown again. */
export type LoginReason = 'invalid' | undefined;

export function loginPage(ctx: PageContext, next: string | undefined, reason: LoginReason): string {
  const { mount } = ctx;
  const notice =
    reason === 'invalid'
      ? html`<p class="error" id="login-error">
          The saved token was not accepted (unknown, revoked, or its file changed). Paste a valid one.
        </p>`
      : '';
  const noTokens = mount.login.noTokensNotice && ctx.tokensConfigured === false ? noTokensNotice() : '';
  const body = html`<h1>${mount.login.heading}</h1>
    ${notice} ${noTokens}
    <form id="login" class="card narrow" data-next="${safeNext(mount, next)}" autocomplete="off">
      <label for="token">${mount.login.label}</label>
      <input id="token" type="password" required autofocus spellcheck="false" />
      <p class="hint">
        A token from <code>${mount.login.command}</code>${mount.login.roles}. It stays in this tab's
        sessionStorage and in a session cookie limited to <code>${mount.prefix}</code> until you log out or
        close the browser.
      </p>
      <button type="submit">Sign in</button>
    </form>`;
  return page({ mount, assets: ctx.assets }, 'Sign in', 'none', body);
}
