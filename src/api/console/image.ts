/**
 * `/console/images/<registry>/<repository>@<digest>`: every signature with its provenance, the
 * claims parsed from it (labelled as not verified: they are attacker-controlled), its
 * verification records newest first, and the re-import and verify actions the token may use.
 */
import type { Principal, Role } from '../../auth/index.js';
import { imageReference } from '../../reference/index.js';
import { isReleaseKey, type SignatureEntry, type VerificationRecord } from '../../store/index.js';
import type { ConsoleImage } from './data.js';
import { html, noTokensNotice, orDash, page, statusBadge, tableHead, time } from '../webui/index.js';
import type { Html, PageContext } from '../webui/index.js';

/** A stored field of unknown type as text (records and parsed claims are schemaless JSON). */
function text(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

const has = (principal: Principal | undefined, role: Role) =>
  !!principal && (principal.roles.has(role) || principal.roles.has('admin'));

/** Why an action is not offered: the role it needs, and for an anonymous reader how to get a token. */
function needs(ctx: PageContext, what: string, role: Role): Html {
  if (!ctx.visitor) return html`<p class="hint">${what} needs the ${role} role.</p>`;
  const login = `/console/login?${new URLSearchParams({ next: ctx.visitor.next }).toString()}`;
  return html`<p class="hint">
    ${what} needs a token with the ${role} role: <a href="${login}">sign in</a>.
  </p>`;
}

function actions(ctx: PageContext, reference: string, verifyKeys: readonly string[]): Html {
  const reimport = has(ctx.principal, 'importer')
    ? html`<button type="button" id="reimport" data-reference="${reference}">Re-import signatures</button>`
    : needs(ctx, 'Re-import', 'importer');
  const keyOptions = verifyKeys.map((k) => html`<option value="${k}">${k}</option>`);
  const verify = !has(ctx.principal, 'auditor')
    ? needs(ctx, 'Saved verification', 'auditor')
    : verifyKeys.length === 0
      ? html`<p class="hint">No verification keys are configured (verify.keys).</p>`
      : html`<form id="verify" data-reference="${reference}" autocomplete="off">
          <div class="field">
            <label for="verify-key">key</label>
            <select id="verify-key" required>
              ${keyOptions}
            </select>
          </div>
          <div class="field">
            <label for="verify-identity">expected identity</label>
            <input
              id="verify-identity"
              required
              placeholder="registry.example.com/ns/app:tag"
              spellcheck="false"
            />
          </div>
          <button type="submit">Verify and save</button>
        </form>`;
  return html`<section class="card" aria-labelledby="actions-h">
    <h2 id="actions-h">Actions</h2>
    ${ctx.tokensConfigured === false ? noTokensNotice() : ''} ${reimport} ${verify}
    <output id="action-result" aria-live="polite"></output>
  </section>`;
}

/**
 * An OpenShift release (stored under its release key): where the CVO reads it and how to export
 * or verify it; the image actions do not apply (a release is verified without an identity).
 */
function releaseActions(digest: string): Html {
  const hex = digest.slice('sha256:'.length);
  return html`<section class="card" aria-labelledby="release-h">
    <h2 id="release-h">OpenShift release</h2>
    <dl class="facts">
      <dt>CVO store</dt>
      <dd class="url"><a href="/release-signatures/sha256=${hex}/signature-1">/release-signatures</a></dd>
      <dt>ConfigMap</dt>
      <dd><a href="/v1/releases/${digest}/configmap?format=yaml">sha256-${hex}.yaml</a></dd>
    </dl>
    <p class="hint">
      Verify as the CVO does: <code>sigmirror release verify ${digest} --public-key KEY --save</code>
    </p>
  </section>`;
}

/** WARNING: every value here comes from the signature bytes, unverified. */
function claims(parsed: SignatureEntry['parsed'], imageDigest: string): Html {
  if (!parsed) return html`<p class="hint">Nothing could be parsed from this signature.</p>`;
  const digest = text(parsed.untrustedDigest);
  const otherDigest =
    digest !== null && digest !== imageDigest ? html` <span class="warn">not this image’s digest</span>` : '';
  const flags = Array.isArray(parsed.flags) && parsed.flags.length ? parsed.flags.join(', ') : null;
  return html`<dl class="facts">
    <dt>identity</dt>
    <dd class="claim-identity"><code>${orDash(text(parsed.untrustedIdentity))}</code></dd>
    <dt>digest</dt>
    <dd class="claim-digest"><code>${orDash(digest)}</code>${otherDigest}</dd>
    <dt>key id</dt>
    <dd class="claim-key"><code>${orDash(text(parsed.keyId))}</code></dd>
    <dt>creator</dt>
    <dd>${orDash(text(parsed.untrustedCreator))}</dd>
    <dt>format</dt>
    <dd>
      ${orDash(text(parsed.format))}${parsed.packetVersion ? ` (packet v${text(parsed.packetVersion)})` : ''}
    </dd>
    ${
      flags
        ? html`<dt>flags</dt>
            <dd class="warn">${flags}</dd>`
        : ''
    }
    ${
      parsed.problem
        ? html`<dt>problem</dt>
            <dd class="error">${text(parsed.problem)}</dd>`
        : ''
    }
  </dl>`;
}

/** Newest first; records with the same time keep newest-appended first. */
function newestFirst(records: readonly VerificationRecord[]): VerificationRecord[] {
  return [...records].reverse().sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
}

function records(entry: SignatureEntry): Html {
  if (entry.verifications.length === 0) return html`<p class="hint">Never verified.</p>`;
  const rows = newestFirst(entry.verifications).map((r) => {
    const verdict = text(r.verdict) ?? 'unknown';
    const key = text(r.keyFingerprint) ?? text(r.keyId);
    const subkey = text(r.subkeyFingerprint);
    return html`<tr>
      <td>${time(r.at)}</td>
      <td>${r.by}</td>
      <td>
        <code>${orDash(key)}</code>${subkey ? html`<br /><small>subkey <code>${subkey}</code></small>` : ''}
      </td>
      <td><code>${orDash(text(r.expectedIdentity))}</code></td>
      <td><span class="verdict verdict-${verdict}">${verdict}</span></td>
      <td>${orDash(text(r.reason))}</td>
    </tr>`;
  });
  return html`<table class="records">
    ${tableHead(['when', 'by', 'key', 'expected identity', 'verdict', 'reason'])}
    <tbody>
      ${rows}
    </tbody>
  </table>`;
}

function signature(entry: SignatureEntry, imageDigest: string): Html {
  return html`<section class="signature card" id="signature-${entry.index}">
    <h3>signature-${entry.index}</h3>
    <dl class="facts">
      <dt>index</dt>
      <dd>${entry.index}</dd>
      <dt>size</dt>
      <dd>${entry.size} bytes</dd>
      <dt>sha256</dt>
      <dd><code>${entry.sha256}</code></dd>
      <dt>source</dt>
      <dd class="url">${orDash(entry.source)}</dd>
      <dt>${entry.origin === 'import' ? 'fetched at' : 'stored at'}</dt>
      <dd>${time(entry.storedAt)}</dd>
      <dt>origin</dt>
      <dd>${entry.origin}${entry.by ? ` by ${entry.by}` : ''}${entry.name ? ` as ${entry.name}` : ''}</dd>
    </dl>
    <div class="untrusted">
      <h4>Claims read from the signature <span class="warn label-unverified">not verified</span></h4>
      <p class="hint">
        Parsed without checking the signature: anyone can write these. Only a trusted verification record
        below says that a configured key signed them.
      </p>
      ${claims(entry.parsed, imageDigest)}
    </div>
    <h4>Verification records, newest first</h4>
    ${records(entry)}
  </section>`;
}

export function imagePage(ctx: PageContext, image: ConsoleImage, verifyKeys: readonly string[]): string {
  const reference = imageReference(image);
  const body = html`<h1><code>${reference}</code></h1>
    <dl class="facts">
      <dt>status</dt>
      <dd id="image-status">${statusBadge(image.status)}</dd>
      <dt>signatures</dt>
      <dd>${image.signatures.length}</dd>
      <dt>last import</dt>
      <dd>${time(image.lastImportAt)}</dd>
      <dt>source</dt>
      <dd class="url">${orDash(image.source)}</dd>
    </dl>
    ${isReleaseKey(image) ? releaseActions(image.digest) : actions(ctx, reference, verifyKeys)}
    <h2>Signatures</h2>
    ${image.signatures.length ? image.signatures.map((s) => signature(s, image.digest)) : html`<p>No signatures stored.</p>`}`;
  return page(ctx, reference, 'images', body);
}
