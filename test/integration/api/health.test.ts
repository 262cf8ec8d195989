import Router from '@koa/router';
import test from 'ava';
import { pino } from 'pino';
import { createApp } from '../../../src/api/app.js';
import { requireRole } from '../../../src/api/auth.js';
import { healthRoutes } from '../../../src/api/routes/health.js';
import { TokenSet, tokenHash } from '../../../src/auth/index.js';
import { createMetrics } from '../../../src/metrics.js';
import { serveApp } from '../../helpers/http.js';

function app(readiness: Record<string, () => string | undefined | Promise<string | undefined>>) {
  const metrics = createMetrics(false);
  const tokens = TokenSet.parse(
    't.yaml',
    `tokens:\n  - name: signer\n    sha256: ${tokenHash('sign-token')}\n    roles: [signer]\n  - name: boss\n    sha256: ${tokenHash('admin-token')}\n    roles: [admin]\n`,
  );
  const guarded = new Router();
  const auth = { tokens: () => tokens, anonymousRead: true };
  guarded.get('/public', requireRole(auth, 'reader', true), (ctx) => (ctx.body = 'read'));
  guarded.put('/public', requireRole(auth, 'signer', true), (ctx) => (ctx.body = 'signed'));
  guarded.post('/audit', requireRole(auth, 'auditor'), (ctx) => (ctx.body = 'audited'));
  guarded.get('/boom', () => {
    throw new Error('secret internal detail');
  });
  return createApp({
    logger: pino({ level: 'silent' }),
    metrics,
    routers: [healthRoutes({ metrics, readiness }), guarded],
  });
}

test('healthz answers while readyz reports each failing check with its reason', async (t) => {
  let redisDown: string | undefined = 'connect ECONNREFUSED 127.0.0.1:6379';
  const base = await serveApp(
    t,
    app({ redis: () => redisDown, registries: () => undefined, slow: () => new Promise(() => undefined) }),
  );
  t.deepEqual(await (await fetch(`${base}/healthz`)).json(), { status: 'ok' });
  const unready = await fetch(`${base}/readyz`);
  t.is(unready.status, 503);
  t.deepEqual(await unready.json(), {
    status: 'unready',
    checks: {
      redis: 'connect ECONNREFUSED 127.0.0.1:6379',
      registries: 'ok',
      slow: 'no answer within 2000 ms',
    },
  });
  redisDown = undefined;
});

test('readyz is 200 when every check passes', async (t) => {
  const base = await serveApp(t, app({ redis: () => undefined, store: async () => undefined }));
  const r = await fetch(`${base}/readyz`);
  t.is(r.status, 200);
  t.deepEqual(await r.json(), { status: 'ready', checks: { redis: 'ok', store: 'ok' } });
});

test('metrics count requests by route and status', async (t) => {
  const base = await serveApp(t, app({}));
  await fetch(`${base}/healthz`);
  await fetch(`${base}/nowhere`);
  const text = await (await fetch(`${base}/metrics`)).text();
  t.regex(text, /sigmirror_api_requests_total\{route="\/healthz",method="GET",status="200"\} 1/);
  t.regex(text, /sigmirror_api_requests_total\{route="unmatched",method="GET",status="404"\} 1/);
});

test('errors use the distribution envelope; 5xx hide their message; request ids are echoed', async (t) => {
  const base = await serveApp(t, app({}));
  const missing = await fetch(`${base}/nowhere`, { headers: { 'x-request-id': 'abc-123' } });
  t.is(missing.status, 404);
  t.is(missing.headers.get('x-request-id'), 'abc-123');
  t.deepEqual(await missing.json(), { errors: [{ code: 'NOT_FOUND', message: 'not found' }] });
  const boom = await fetch(`${base}/boom`);
  t.is(boom.status, 500);
  t.deepEqual(await boom.json(), { errors: [{ code: 'INTERNAL', message: 'internal server error' }] });
  const wrongMethod = await fetch(`${base}/healthz`, { method: 'DELETE' });
  t.is(wrongMethod.status, 405);
});

test('auth: anonymous reads, 401 with a challenge, 403 without the role, admin implies all', async (t) => {
  const base = await serveApp(t, app({}), undefined, false); // test-only routes
  t.is(await (await fetch(`${base}/public`)).text(), 'read');
  const anonymousPut = await fetch(`${base}/public`, { method: 'PUT' });
  t.is(anonymousPut.status, 401);
  t.is(anonymousPut.headers.get('www-authenticate'), 'Bearer realm="sigmirror"');
  t.deepEqual(await anonymousPut.json(), {
    errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }],
  });
  const badToken = await fetch(`${base}/public`, { headers: { authorization: 'Bearer nope' } });
  t.is(badToken.status, 401, 'a wrong token is refused even where anonymous reads are allowed');
  const put = await fetch(`${base}/public`, {
    method: 'PUT',
    headers: { authorization: 'Bearer sign-token' },
  });
  t.is(await put.text(), 'signed');
  const denied = await fetch(`${base}/audit`, {
    method: 'POST',
    headers: { authorization: 'Bearer sign-token' },
  });
  t.is(denied.status, 403);
  t.deepEqual(await denied.json(), {
    errors: [{ code: 'DENIED', message: 'the token "signer" lacks the auditor role' }],
  });
  const admin = await fetch(`${base}/audit`, {
    method: 'POST',
    headers: { authorization: 'Bearer admin-token' },
  });
  t.is(await admin.text(), 'audited');
});

test('a scrape gathered from other processes answers their text, or 503 when the gathering fails', async (t) => {
  const metrics = createMetrics(false);
  const serve = (scrape: () => Promise<string>) =>
    serveApp(
      t,
      createApp({
        logger: pino({ level: 'silent' }),
        metrics,
        routers: [healthRoutes({ metrics, readiness: {}, scrape })],
      }),
    );
  const ok = await fetch(`${await serve(async () => 'sigmirror_x 3\n')}/metrics`);
  t.is(ok.status, 200);
  t.is(await ok.text(), 'sigmirror_x 3\n');
  const failed = await fetch(
    `${await serve(() => Promise.reject(new Error('the primary process did not answer within 4000 ms')))}/metrics`,
  );
  t.is(failed.status, 503);
  t.is(await failed.text(), 'metrics unavailable: the primary process did not answer within 4000 ms\n');
});
