/**
 * The web console over HTTP, as buildApi serves it (real fs store, Redis index, tokens file):
 * security headers, login redirects, cookie and role checks, escaping of attacker-controlled
 * signature claims (exact bytes), and cursor paging links.
 */
import path from 'node:path';
import { type ExecutionContext } from 'ava';
import { needs } from '../../helpers/needs.js';
import * as openpgp from 'openpgp';
import { tokenHash } from '../../../src/auth/index.js';
import { signatureMetadata } from '../../../src/signature/index.js';
import type { ImageKey } from '../../../src/store/index.js';
import { TOKENS, bearer, startApi } from '../../helpers/api.js';
import { tempDir, writeTree } from '../../helpers/tmp.js';

const test = await needs({ redis: true });

const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
const HEX = (c: string) => c.repeat(64);
const cookie = (role: keyof typeof TOKENS) => ({
  cookie: `sigmirror_console=${encodeURIComponent(TOKENS[role])}`,
});
const get = (base: string, path: string, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, { headers, redirect: 'manual' });

/** The API with auth.anonymousRead off: every page needs a token (startApi's tokens, in a file of our own). */
async function startStrictApi(t: ExecutionContext) {
  const dir = await tempDir(t);
  const entries = Object.entries(TOKENS).map(
    ([role, token]) => `  - name: ${role}-bot\n    sha256: ${tokenHash(token)}\n    roles: [${role}]\n`,
  );
  await writeTree(dir, { 'tokens.yaml': `tokens:\n${entries.join('')}` });
  return startApi(t, { auth: { tokensFile: path.join(dir, 'tokens.yaml'), anonymousRead: false } });
}

/** Claims an attacker may put in a signature: markup, both quotes and an ampersand. */
const EVIL = `<script>alert("x")</script>'&`;
const EVIL_ESCAPED = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;&amp;';

/** A real signed simple-signing message with these claims, signed by a fresh key. */
async function signedClaims(digest: string, identity: string, creator: string): Promise<Uint8Array> {
  const { privateKey } = await openpgp.generateKey({ userIDs: [{ name: 'attacker' }], format: 'object' });
  const payload = JSON.stringify({
    critical: {
      identity: { 'docker-reference': identity },
      image: { 'docker-manifest-digest': digest },
      type: 'atomic container signature',
    },
    optional: { creator },
  });
  const message = await openpgp.createMessage({ binary: Buffer.from(payload), format: 'binary' });
  return openpgp.sign({ message, signingKeys: privateKey, format: 'binary' });
}

test('every console response carries the exact CSP, nosniff and no-referrer; assets are cached and typed', async (t) => {
  const a = await startStrictApi(t);
  const answers = {
    page: await get(a.base, '/console', cookie('reader')),
    login: await get(a.base, '/console/login'),
    redirect: await get(a.base, '/console/images'),
    error: await get(a.base, '/console/images?status=bogus', cookie('reader')),
    script: await get(a.base, '/console/static/console.js'),
    style: await get(a.base, '/console/static/console.css'),
  };
  for (const [name, res] of Object.entries(answers)) {
    t.is(res.headers.get('content-security-policy'), CSP, name);
    t.is(res.headers.get('x-content-type-options'), 'nosniff', name);
    t.is(res.headers.get('referrer-policy'), 'no-referrer', name);
  }
  t.deepEqual(
    Object.fromEntries(
      Object.entries(answers).map(([n, r]) => [n, [r.status, r.headers.get('content-type')]]),
    ),
    {
      page: [200, 'text/html; charset=utf-8'],
      login: [200, 'text/html; charset=utf-8'],
      redirect: [303, 'text/html; charset=utf-8'],
      error: [400, 'text/html; charset=utf-8'],
      script: [200, 'text/javascript; charset=utf-8'],
      style: [200, 'text/css; charset=utf-8'],
    },
  );
  t.is(answers.page.headers.get('cache-control'), 'no-store');
  t.is(answers.script.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  t.is(answers.style.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  const page = await answers.page.text();
  // No inline script or style anywhere: one external script, one external stylesheet.
  t.is(page.match(/<script/g)?.length, 1);
  t.regex(page, /<script src="\/console\/static\/console\.js\?v=[a-f0-9]{12}" defer><\/script>/);
  t.regex(page, /<link rel="stylesheet" href="\/console\/static\/console\.css\?v=[a-f0-9]{12}" \/>/);
  t.false(/<style|\sstyle=|\son[a-z]+=/i.test(page));
  t.regex(
    await answers.error.text(),
    /<p class="error" id="error-message">status must be one of verified, failed, unverified, unsigned<\/p>/,
  );
});

test('anonymousRead off: without a valid cookie pages go to the login page, which returns to them; a stale cookie says so', async (t) => {
  const a = await startStrictApi(t);
  const anonymous = await get(a.base, '/console/images?status=failed&registry=docker.io');
  t.is(anonymous.status, 303);
  t.is(
    anonymous.headers.get('location'),
    '/console/login?next=%2Fconsole%2Fimages%3Fstatus%3Dfailed%26registry%3Ddocker.io',
  );
  const stale = await get(a.base, '/console', { cookie: 'sigmirror_console=revoked-token' });
  t.is(stale.status, 303);
  t.is(stale.headers.get('location'), '/console/login?next=%2Fconsole&reason=invalid');
  const login = await (
    await get(a.base, '/console/login?next=%2Fconsole%2Fimages%3Fstatus%3Dfailed&reason=invalid')
  ).text();
  t.true(
    login.includes(
      '<form id="login" class="card narrow" data-next="/console/images?status=failed" autocomplete="off">',
    ),
  );
  t.true(login.includes('id="login-error"'));
  t.true(
    login.includes('<input id="token" type="password" required autofocus spellcheck="false" />'),
    'no name: never submitted',
  );
  // Only console paths: another origin falls back to the overview.
  for (const next of ['//evil.example/console', 'https://evil.example/', '/console\\@evil', '/consolex'])
    t.true(
      (await (await get(a.base, `/console/login?next=${encodeURIComponent(next)}`)).text()).includes(
        'data-next="/console"',
      ),
      next,
    );
});

test('anonymousRead off: the cookie or a Bearer token authenticates pages; reader (or admin) is needed; actions follow the roles', async (t) => {
  const a = await startStrictApi(t);
  const image: ImageKey = {
    registry: 'docker.io',
    repository: 'library/busybox',
    digest: `sha256:${HEX('b')}`,
  };
  await a.store.append(image, [{ bytes: Buffer.from('opaque signature') }], { origin: 'import' });
  const path = `/console/images/docker.io/library/busybox@sha256:${HEX('b')}`;

  const denied = await get(a.base, '/console', cookie('signer'));
  t.is(denied.status, 403);
  t.true(
    (await denied.text()).includes(
      '<p class="error" id="error-message">the token &quot;signer-bot&quot; lacks the reader role the console needs</p>',
    ),
  );
  const badBearer = await get(a.base, '/console', { authorization: 'Bearer nope' });
  t.is(badBearer.status, 401);
  t.is(badBearer.headers.get('www-authenticate'), 'Bearer realm="sigmirror"');
  t.is((await get(a.base, '/console', bearer('reader'))).status, 200);

  const asReader = await (await get(a.base, path, cookie('reader'))).text();
  t.true(asReader.includes('signed in as\n          <strong>reader-bot</strong> (reader)'));
  t.true(asReader.includes('<p class="hint">Re-import needs the importer role.</p>'));
  t.true(asReader.includes('<p class="hint">Saved verification needs the auditor role.</p>'));
  t.false(asReader.includes('id="reimport"'));
  t.false(asReader.includes('id="verify"'));

  const asAdmin = await (await get(a.base, path, cookie('admin'))).text();
  t.true(
    asAdmin.includes(
      `<button type="button" id="reimport" data-reference="docker.io/library/busybox@sha256:${HEX('b')}">Re-import signatures</button>`,
    ),
  );
  // No verify.keys configured: the form cannot be used, and says why.
  t.true(asAdmin.includes('<p class="hint">No verification keys are configured (verify.keys).</p>'));

  const unknown = await get(
    a.base,
    `/console/images/docker.io/library/busybox@sha256:${HEX('c')}`,
    cookie('reader'),
  );
  t.is(unknown.status, 404);
  t.true((await unknown.text()).includes(`no image docker.io/library/busybox@sha256:${HEX('c')} is stored`));
  const invalid = await get(a.base, '/console/images/docker.io/..%2Fetc@sha256:1', cookie('reader'));
  t.is(invalid.status, 400);
});

test('attacker-controlled claims are escaped, exactly, and labelled not verified', async (t) => {
  const a = await startApi(t);
  const digest = `sha256:${HEX('e')}`;
  const image: ImageKey = { registry: 'quay.io', repository: 'evil/app', digest };
  // 1: a real signature whose payload names that identity: the parser refuses it as a reference
  // and says so, quoting it; 2: a real one with a valid identity and that creator; 3: claims as a
  // lenient parser or an older store could hold them, uploaded by that name, with a record.
  const bad = await signedClaims(digest, EVIL, 'sigmirror test');
  const creator = await signedClaims(digest, 'quay.io/evil/app:1', EVIL);
  await a.store.append(
    image,
    [bad, creator].map((bytes) => ({ bytes, parsed: signatureMetadata(bytes, digest) })),
    { origin: 'import' },
  );
  await a.store.append(
    image,
    [
      {
        bytes: Buffer.from('third'),
        parsed: { untrustedIdentity: `${EVIL}"`, untrustedDigest: digest, keyId: EVIL },
      },
    ],
    { origin: 'upload', by: EVIL },
  );
  await a.store.recordVerification(image, 3, {
    at: '2026-11-25T14:00:00.000Z',
    by: EVIL,
    verdict: 'rejected',
    expectedIdentity: EVIL,
    reason: EVIL,
    keyId: EVIL,
  });
  const res = await get(a.base, `/console/images/quay.io/evil/app@${digest}`, cookie('reader'));
  t.is(res.status, 200);
  const page = await res.text();
  t.is(page.match(/<script/g)?.length, 1, 'only the console’s own script tag');
  t.false(page.includes(EVIL));
  t.true(page.includes(`<dd>${EVIL_ESCAPED}</dd>`), 'creator of signature-2');
  t.true(page.includes(`<dd class="error">Invalid docker reference ${EVIL_ESCAPED} in signature</dd>`));
  t.true(page.includes(`<dd class="claim-identity"><code>${EVIL_ESCAPED}&quot;</code></dd>`));
  t.true(page.includes(`<dd class="claim-key"><code>${EVIL_ESCAPED}</code></dd>`));
  t.true(page.includes(`<dd>upload by ${EVIL_ESCAPED}</dd>`));
  t.true(page.includes(`<td>${EVIL_ESCAPED}</td>`), 'record: by');
  t.true(page.includes(`<td><code>${EVIL_ESCAPED}</code></td>`), 'record: expected identity');
  t.is(
    page.match(
      /<h4>Claims read from the signature <span class="warn label-unverified">not verified<\/span><\/h4>/g,
    )?.length,
    3,
  );
});

test('verification records are listed newest first with who, when, key, expected identity, verdict and reason', async (t) => {
  const a = await startApi(t);
  const image: ImageKey = {
    registry: 'registry.example.com',
    repository: 'ns/app',
    digest: `sha256:${HEX('a')}`,
  };
  await a.store.append(image, [{ bytes: Buffer.from('sig') }], { origin: 'import' });
  const record = (at: string, by: string, verdict: string, reason: string | null) =>
    a.store.recordVerification(image, 1, {
      at,
      by,
      verdict,
      reason,
      expectedIdentity: 'registry.example.com/ns/app:1',
      keyFingerprint: 'F'.repeat(40),
    });
  await record('2026-11-25T10:00:00.000Z', 'first', 'rejected', 'Docker reference a does not match b');
  await record('2026-11-25T12:00:00.000Z', 'third', 'trusted', null);
  await record('2026-11-25T11:00:00.000Z', 'second', 'rejected', 'key expired');
  const page = await (
    await get(a.base, `/console/images/registry.example.com/ns/app@sha256:${HEX('a')}`, cookie('reader'))
  ).text();
  const rows = [
    ...page.matchAll(/<td><time datetime="([^"]+)">[^<]+<\/time><\/td>\s*<td>([^<]+)<\/td>/g),
  ].map((m) => [m[1], m[2]]);
  t.deepEqual(rows, [
    ['2026-11-25T12:00:00.000Z', 'third'],
    ['2026-11-25T11:00:00.000Z', 'second'],
    ['2026-11-25T10:00:00.000Z', 'first'],
  ]);
  t.true(page.includes('<td><span class="verdict verdict-trusted">trusted</span></td>'));
  t.true(page.includes('<td>Docker reference a does not match b</td>'));
  t.true(page.includes(`<code>${'F'.repeat(40)}</code>`));
  t.true(
    page.includes(
      '<dd id="image-status"><span class="badge badge-verified" data-status="verified">verified</span></dd>',
    ),
  );
});

test('the images table filters and pages with cursor links; each row links to its image page', async (t) => {
  const a = await startApi(t);
  for (const [repository, c] of [
    ['team/a', '1'],
    ['team/b', '2'],
    ['team/c', '3'],
    ['other/d', '4'],
  ] as const)
    await a.store.append(
      { registry: 'quay.io', repository, digest: `sha256:${HEX(c)}` },
      [{ bytes: Buffer.from(c) }],
      {
        origin: 'import',
      },
    );
  const references = (page: string) => [...page.matchAll(/<tr data-reference="([^"]+)">/g)].map((m) => m[1]);

  const first = await (
    await get(
      a.base,
      '/console/images?status=unverified&registry=quay.io&repository=team%2F&limit=2',
      cookie('reader'),
    )
  ).text();
  t.deepEqual(references(first), [`quay.io/team/a@sha256:${HEX('1')}`, `quay.io/team/b@sha256:${HEX('2')}`]);
  t.true(
    first.includes(
      `<a href="/console/images/quay.io/team/a@sha256%3A${HEX('1')}"><code>quay.io/team/a@sha256:${HEX('1')}</code></a>`,
    ),
  );
  const cursor = encodeURIComponent(`quay.io/team/b@sha256:${HEX('2')}`);
  const nextHref = `/console/images?status=unverified&amp;registry=quay.io&amp;repository=team%2F&amp;limit=2&amp;cursor=${cursor}`;
  t.true(first.includes(`<a id="page-next" href="${nextHref}">Next page</a>`));
  t.false(first.includes('id="page-first"'));
  t.true(first.includes('<option value="unverified" selected>unverified</option>'));
  t.true(first.includes('<input name="repository" id="filter-repository" value="team/" />'));

  const second = await (await get(a.base, nextHref.replaceAll('&amp;', '&'), cookie('reader'))).text();
  t.deepEqual(references(second), [`quay.io/team/c@sha256:${HEX('3')}`]);
  t.false(second.includes('id="page-next"'));
  t.true(
    second.includes(
      '<a id="page-first" href="/console/images?status=unverified&amp;registry=quay.io&amp;repository=team%2F&amp;limit=2">First page</a>',
    ),
  );
  const image = await get(a.base, `/console/images/quay.io/team/a@sha256%3A${HEX('1')}`, cookie('reader'));
  t.is(image.status, 200);

  const none = await (await get(a.base, '/console/images?status=verified', cookie('reader'))).text();
  t.true(none.includes('<td colspan="6" class="empty">no images match</td>'));
  const overview = await (await get(a.base, '/console', cookie('reader'))).text();
  t.true(
    overview.includes('<a class="tile" href="/console/images?status=unverified" id="count-unverified">'),
  );
  t.regex(overview, /id="count-unverified">\s*<span class="count">4<\/span>/);
  t.regex(overview, /id="count-total"\s*><span class="count">4<\/span>/);
});

const BUSYBOX: ImageKey = {
  registry: 'docker.io',
  repository: 'library/busybox',
  digest: `sha256:${HEX('b')}`,
};
const BUSYBOX_PAGE = `/console/images/docker.io/library/busybox@sha256:${HEX('b')}`;

test('anonymousRead on (the default): pages read without a token; actions ask for one', async (t) => {
  const a = await startApi(t);
  await a.store.append(BUSYBOX, [{ bytes: Buffer.from('opaque signature') }], { origin: 'import' });
  for (const path of ['/console', '/console/images', BUSYBOX_PAGE]) {
    const r = await get(a.base, path);
    t.is(r.status, 200, path);
    const html = await r.text();
    t.true(html.includes('<span class="who" id="visitor">read-only, not signed in</span>'), path);
    t.true(
      html.includes(`<a id="sign-in" href="/console/login?next=${encodeURIComponent(path)}">Sign in</a>`),
      path,
    );
    t.false(html.includes('id="no-tokens"'), 'tokens are configured');
  }
  const image = await (await get(a.base, BUSYBOX_PAGE)).text();
  const login = `/console/login?next=${encodeURIComponent(BUSYBOX_PAGE)}`;
  t.true(image.includes(`Re-import needs a token with the importer role: <a href="${login}">sign in</a>.`));
  t.true(
    image.includes(`Saved verification needs a token with the auditor role: <a href="${login}">sign in</a>.`),
  );
  t.false(image.includes('id="reimport"'));
  t.false(image.includes('id="verify"'));
  const stale = await get(a.base, '/console', { cookie: 'sigmirror_console=revoked-token' });
  t.is(stale.status, 200);
  t.true((await stale.text()).includes('read-only, not signed in (the saved token was not accepted)'));
  const signer = await get(a.base, '/console', cookie('signer'));
  t.is(signer.status, 200, 'a token without the reader role reads as anyone may');
  t.true((await signer.text()).includes('<strong>signer-bot</strong> (signer)'));
  const asImporter = await (await get(a.base, BUSYBOX_PAGE, cookie('importer'))).text();
  t.true(asImporter.includes('id="reimport"'));
  t.is((await get(a.base, '/console', { authorization: 'Bearer nope' })).status, 401);
});

test('no tokens file: the login and image pages say how to create a token and configure auth.tokensFile', async (t) => {
  const a = await startApi(t, { auth: { anonymousRead: true } });
  await a.store.append(BUSYBOX, [{ bytes: Buffer.from('opaque signature') }], { origin: 'import' });
  // Compared with whitespace collapsed: the markup is formatted source.
  const steps = [
    '<strong>This sigmirror accepts no API tokens</strong>: <code>auth.tokensFile</code> is not set',
    '<code>sigmirror token create --name &lt;you&gt; --role admin</code> prints a token (once)',
    'set <code>auth.tokensFile</code> to that file in the daemon configuration',
    'Restart the daemon',
  ];
  const flat = async (path: string) => (await (await get(a.base, path)).text()).replace(/\s+/g, ' ');
  for (const path of ['/console/login', BUSYBOX_PAGE]) {
    const html = await flat(path);
    t.true(html.includes('<div class="notice" id="no-tokens">'), path);
    for (const step of steps) t.true(html.includes(step), `${path}: ${step}`);
  }
  const overview = await get(a.base, '/console');
  t.is(overview.status, 200, 'reading needs no token');
  const post = await fetch(`${a.base}/v1/imports`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...bearer('importer') },
    body: JSON.stringify({ references: [`docker.io/library/busybox@sha256:${HEX('b')}`] }),
  });
  t.is(post.status, 401, 'with no tokens file every token is refused');
});
