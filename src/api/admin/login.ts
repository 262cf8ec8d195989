/**
 * `/admin/login`: as the console's login page, for the dashboard's own cookie. admin.js keeps the
 * token in this tab's sessionStorage (shared with the console) and in the `sigmirror_admin`
 * cookie, then goes to `next`. The input has no name, so a submit without JavaScript sends nothing.
 */
import { html } from '../console/index.js';
import { page, type PageContext } from '../console/index.js';
import { safeAdminNext } from './session.js';

export function adminLoginPage(ctx: PageContext, next: string | undefined, invalid: boolean): string {
  const notice = invalid
    ? html`<p class="error" id="login-error">
        The saved token was not accepted (unknown, revoked, or its file changed). Paste a valid one.
      </p>`
    : '';
  const body = html`<h1>Sign in to the dashboard</h1>
    ${notice}
    <form id="login" class="card narrow" data-next="${safeAdminNext(next)}" autocomplete="off">
      <label for="token">API token with the admin role</label>
      <input id="token" type="password" required autofocus spellcheck="false" />
      <p class="hint">
        A token from <code>sigmirror token create --role admin</code>. It stays in this tab's sessionStorage
        and in a session cookie limited to <code>/admin</code> until you log out or close the browser.
      </p>
      <button type="submit">Sign in</button>
    </form>`;
  return page({ assets: ctx.assets }, 'Sign in', 'none', body);
}
