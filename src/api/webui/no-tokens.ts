/**
 * What the console says when the daemon accepts no token at all (no `auth.tokensFile`, or one that
 * lists none): every pasted token would be refused, so it says how to create one and configure it.
 */
import { html, type Html } from './escape.js';

export function noTokensNotice(): Html {
  return html`<div class="notice" id="no-tokens">
    <p>
      <strong>This sigmirror accepts no API tokens</strong>: <code>auth.tokensFile</code> is not set in its
      configuration (or its file lists no token), so any token is refused. Reading needs none; changing
      anything does. To create one:
    </p>
    <ol>
      <li>
        <code>sigmirror token create --name &lt;you&gt; --role admin</code> prints a token (once) and the
        entry for the tokens file.
      </li>
      <li>
        Put the entry under <code>tokens:</code> in a file (see <code>config/tokens.example.yaml</code>) and
        set <code>auth.tokensFile</code> to that file in the daemon configuration (or
        <code>SIGMIRROR_TOKENS_FILE</code>).
      </li>
      <li>
        Restart the daemon (one that already has a tokens file re-reads it on SIGHUP), then sign in with the
        token.
      </li>
    </ol>
  </div>`;
}
