/**
 * The admin dashboard over HTTP, as buildApi serves it (real fs store, Redis queues, tokens
 * file): security headers, login redirects, the admin role (reader: a 403 page), the dashboard's
 * own cookie, escaping of a job's failedReason (exact bytes), and the job actions, which take a
 * Bearer token and never the cookie.
 */
import { needs } from '../../helpers/needs.js';
import { TOKENS, bearer, startApi } from '../../helpers/api.js';
import { failedImport } from './failed-job.js';

const test = await needs({ redis: true });

const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
const adminCookie = (role: keyof typeof TOKENS) => ({
  cookie: `sigmirror_admin=${encodeURIComponent(TOKENS[role])}`,
});
const get = (base: string, path: string, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, { headers, redirect: 'manual' });

/** A failure message quoting attacker-made text: markup, both quotes and an ampersand. */
const EVIL = `<script>alert("x")</script>'&`;
const EVIL_ESCAPED = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;&amp;';
const IMAGE = { registry: 'registry.example.com', repository: 'ns/app', digest: `sha256:${'b'.repeat(64)}` };
const JOB_ID = `import-${'b'.repeat(64)}-registry.example.com/ns/app`;
const jobPath = (id: string) => `/v1/admin/queues/import/jobs/${encodeURIComponent(id)}`;

test('every dashboard response carries the exact CSP, nosniff and no-referrer; the script is cached and typed', async (t) => {
  const a = await startApi(t);
  const answers = {
    status: await get(a.base, '/admin', bearer('admin')),
    queue: await get(a.base, '/admin/queues/import', bearer('admin')),
    login: await get(a.base, '/admin/login'),
    redirect: await get(a.base, '/admin/queues/resync'),
    denied: await get(a.base, '/admin', bearer('reader')),
    unknown: await get(a.base, '/admin/queues/nope', bearer('admin')),
    script: await get(a.base, '/admin/static/admin.js'),
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
      status: [200, 'text/html; charset=utf-8'],
      queue: [200, 'text/html; charset=utf-8'],
      login: [200, 'text/html; charset=utf-8'],
      redirect: [303, 'text/html; charset=utf-8'],
      denied: [403, 'text/html; charset=utf-8'],
      unknown: [404, 'text/html; charset=utf-8'],
      script: [200, 'text/javascript; charset=utf-8'],
    },
  );
  t.is(answers.status.headers.get('cache-control'), 'no-store');
  t.is(answers.script.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  for (const name of ['status', 'queue'] as const) {
    const page = await answers[name].text();
    // No inline script or style: the dashboard's script and the console's stylesheet, nothing else.
    t.is(page.match(/<script/g)?.length, 1, name);
    t.regex(page, /<script src="\/admin\/static\/admin\.js\?v=[a-f0-9]{12}" defer><\/script>/, name);
    t.regex(page, /<link rel="stylesheet" href="\/console\/static\/console\.css\?v=[a-f0-9]{12}" \/>/, name);
    t.false(/<style|\sstyle=|\son[a-z]+=/i.test(page), name);
  }
  t.regex(
    await answers.unknown.text(),
    /<p class="error" id="error-message">no queue &quot;nope&quot; \(queues: import, resync\)<\/p>/,
  );
});

test('the admin role is needed: reader and importer get a 403 page, anonymous and stale cookies the login page', async (t) => {
  const a = await startApi(t);
  for (const role of ['reader', 'importer', 'auditor', 'signer'] as const) {
    const res = await get(a.base, '/admin', bearer(role));
    t.is(res.status, 403, role);
    t.true(
      (await res.text()).includes(
        `<p class="error" id="error-message">the token &quot;${role}-bot&quot; lacks the admin role the dashboard needs</p>`,
      ),
      role,
    );
  }
  const byCookie = await get(a.base, '/admin', adminCookie('admin'));
  t.is(byCookie.status, 200);
  t.true((await byCookie.text()).includes('<strong>admin-bot</strong> (admin)'));
  t.is((await get(a.base, '/admin', adminCookie('reader'))).status, 403);

  const anonymous = await get(a.base, '/admin/queues/import');
  t.is(anonymous.status, 303);
  t.is(anonymous.headers.get('location'), '/admin/login?next=%2Fadmin%2Fqueues%2Fimport');
  // The console's cookie is not the dashboard's (and a browser never sends it to /admin).
  const consoleCookie = await get(a.base, '/admin', { cookie: `sigmirror_console=${TOKENS.admin}` });
  t.is(consoleCookie.headers.get('location'), '/admin/login?next=%2Fadmin');
  const stale = await get(a.base, '/admin', { cookie: 'sigmirror_admin=revoked-token' });
  t.is(stale.headers.get('location'), '/admin/login?next=%2Fadmin&reason=invalid');
  t.is((await get(a.base, '/admin', { authorization: 'Bearer wrong' })).status, 401);

  const login = await (
    await get(a.base, '/admin/login?next=%2Fadmin%2Fqueues%2Fimport&reason=invalid')
  ).text();
  t.true(
    login.includes(
      '<form id="login" class="card narrow" data-next="/admin/queues/import" autocomplete="off">',
    ),
  );
  t.true(login.includes('id="login-error"'));
  for (const next of [
    '//evil.example/admin',
    'https://evil.example/',
    '/admin\\@evil',
    '/adminx',
    '/console',
  ])
    t.true(
      (await (await get(a.base, `/admin/login?next=${encodeURIComponent(next)}`)).text()).includes(
        'data-next="/admin"',
      ),
      next,
    );
});

test("a job's failedReason is escaped on the queue page and the status page", async (t) => {
  const a = await startApi(t);
  t.is(await failedImport(a.producer, a.prefix, IMAGE, EVIL), JOB_ID);
  const queue = await (await get(a.base, '/admin/queues/import', bearer('admin'))).text();
  t.false(queue.includes('<script>alert'));
  t.true(queue.includes(`<td class="error failed-reason">${EVIL_ESCAPED}</td>`));
  t.true(queue.includes(`<tr data-job-id="${JOB_ID}">`));
  t.true(queue.includes(`data-action="retry" data-queue="import" data-job="${JOB_ID}">Retry</button>`));
  t.regex(queue, /id="count-failed">\s*<span class="count">1<\/span>/);
  t.regex(queue, /id="count-waiting">\s*<span class="count">0<\/span>/);
  t.regex(queue, /<td class="num">1\/1<\/td>/); // attempts made / allowed (startApi: attempts 1)
  t.true(queue.includes('<p class="hint" id="jobs-waiting">none</p>'));

  const status = await (await get(a.base, '/admin', bearer('admin'))).text();
  t.false(status.includes('<script>alert'));
  t.true(status.includes(`<td class="error">${EVIL_ESCAPED}</td>`));
  t.regex(status, /<td class="num" data-state="failed">1<\/td>/);
  t.true(status.includes('<dd id="registries-error">none</dd>'));
  t.regex(status, /<dd id="tokens-file"><code>[^<]+\/tokens\.yaml<\/code> \(5 tokens\)<\/dd>/);
  t.regex(status, /<dd id="process-version">sigmirror \d+\.\d+\.\d+ \(Node\.js v\d+/);
});

test('retry and remove: admin Bearer only (never the cookie), 400 for a wrong state, 404 for unknown jobs', async (t) => {
  const a = await startApi(t);
  await failedImport(a.producer, a.prefix, IMAGE, 'upstream said no');
  const post = (path: string, headers: Record<string, string>) =>
    fetch(`${a.base}${path}`, { method: 'POST', headers });
  t.is((await post(`${jobPath(JOB_ID)}/retry`, adminCookie('admin'))).status, 401);
  t.is((await post(`${jobPath(JOB_ID)}/retry`, bearer('importer'))).status, 403);
  t.is((await a.producer.status(JOB_ID))?.state, 'failed');

  const retried = await post(`${jobPath(JOB_ID)}/retry`, bearer('admin'));
  t.is(retried.status, 200);
  t.deepEqual(await retried.json(), { queue: 'import', id: JOB_ID, state: 'waiting' });
  t.like(await a.producer.status(JOB_ID), { state: 'waiting', attempts: 0 });

  const again = await post(`${jobPath(JOB_ID)}/retry`, bearer('admin'));
  t.is(again.status, 400);
  t.deepEqual(await again.json(), {
    errors: [{ code: 'BAD_REQUEST', message: `job ${JOB_ID} is waiting; only a failed job can be retried` }],
  });
  const unknownQueue = await post('/v1/admin/queues/nope/jobs/x/retry', bearer('admin'));
  t.is(unknownQueue.status, 404);

  const remove = (headers: Record<string, string>) =>
    fetch(`${a.base}${jobPath(JOB_ID)}`, { method: 'DELETE', headers });
  t.is((await remove(adminCookie('admin'))).status, 401);
  const removed = await remove(bearer('admin'));
  t.is(removed.status, 200);
  t.deepEqual(await removed.json(), { queue: 'import', id: JOB_ID, removed: true });
  t.is(await a.producer.status(JOB_ID), undefined);
  const gone = await remove(bearer('admin'));
  t.is(gone.status, 404);
  t.deepEqual(await gone.json(), {
    errors: [{ code: 'NOT_FOUND', message: `no job ${JOB_ID} in queue import (removed, or expired)` }],
  });
});
