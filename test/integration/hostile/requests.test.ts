/**
 * The defects of the hostile-input issue, each attacked on a real `sigmirror serve` process
 * (only a real process shows an exit or a frozen event loop). Every test here failed on 582dc85.
 */
import { createHash } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { needs } from '../../helpers/needs.js';
import { bearer } from '../../helpers/api.js';
import { answersHealth, startDaemonProcess, type DaemonProcess } from '../../helpers/daemon.js';
import { rawRequest } from '../../helpers/http.js';
import { bytesHandler, startUpstream } from '../../helpers/upstream.js';
import { readVector } from '../../helpers/vectors.js';
import { waitFor } from '../../helpers/wait.js';

const test = await needs({ redis: true });

const SIG = Buffer.from(readVector('containers-image/image.signature'));
const DIGEST = `sha256:${createHash('sha256').update(readVector('containers-image/image.manifest.json')).digest('hex')}`;
const HEX = DIGEST.slice('sha256:'.length);
const MIRROR = `/sigstore/registry.example.com/ns/app@sha256=${HEX}/signature-1`;
const EXTENSIONS = `/extensions/v2/registry.example.com/ns/app/signatures/${DIGEST}`;
const METHODS = ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND', 'MKCOL', 'LOCK', 'PURGE'];

async function upload(daemon: DaemonProcess, bytes: Buffer, id = 'a'.repeat(32)) {
  return fetch(`${daemon.base}${EXTENSIONS}`, {
    method: 'PUT',
    headers: { ...bearer('signer'), 'content-type': 'application/json' },
    body: JSON.stringify({
      schemaVersion: 2,
      name: `${DIGEST}@${id}`,
      type: 'atomic',
      content: bytes.toString('base64'),
    }),
  });
}

test.serial(
  'defect 1: every method on the mirror, and conditional GETs of a served signature, leave the daemon up',
  async (t) => {
    const daemon = await startDaemonProcess(t, { noWorkers: true });
    t.is((await upload(daemon, SIG)).status, 201);
    for (const method of METHODS) {
      const r = await rawRequest(daemon.base, MIRROR, method, method === 'OPTIONS' ? undefined : 'xx');
      t.is(r.status, method === 'OPTIONS' ? 204 : 405, method);
      t.is(r.headers.allow, 'GET, HEAD', method);
      t.true(await answersHealth(daemon), `alive after ${method}`);
    }
    const first = await fetch(`${daemon.base}${MIRROR}`);
    t.is(first.status, 200);
    const etag = first.headers.get('etag')!;
    for (const inm of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      for (let i = 0; i < 6; i++) {
        const r = await fetch(`${daemon.base}${MIRROR}`, { headers: { 'if-none-match': inm } });
        t.is(r.status, 304, inm);
      }
      t.true(await answersHealth(daemon), `alive after If-None-Match: ${inm}`);
    }
    const other = await fetch(`${daemon.base}${MIRROR}`, { headers: { 'if-none-match': '"sha256:0"' } });
    t.is(other.status, 200, 'a tag that does not match gets the bytes');
    t.false(daemon.log().includes('"level":50'), 'nothing logged as an error');
  },
);

test.serial(
  'defect 2: names built to make the grammar backtrack answer at once, on the mirror and on imports',
  async (t) => {
    const daemon = await startDaemonProcess(t, { noWorkers: true });
    for (const n of [32, 40, 64, 10_000]) {
      const name = `${'a'.repeat(n)}!`;
      const started = Date.now();
      const mirror = await rawRequest(daemon.base, `/sigstore/up.example/${name}@sha256=${HEX}/signature-1`);
      t.is(mirror.status, 404, `mirror, ${n}`);
      const imports = await fetch(`${daemon.base}/v1/imports`, {
        method: 'POST',
        headers: { ...bearer('importer'), 'content-type': 'application/json' },
        body: JSON.stringify({ references: [`up.example/${name}@${DIGEST}`] }),
        signal: AbortSignal.timeout(10_000),
      });
      t.is(imports.status, 400, `imports, ${n}`);
      // Before the fix 32 characters took ~25 s and 40 never returned; linear work is milliseconds.
      t.true(Date.now() - started < 5_000, `answered in ${Date.now() - started} ms`);
      t.true(await answersHealth(daemon));
    }
  },
);

test.serial('defect 5: with auth.anonymousRead false the mirror wants a reader token', async (t) => {
  const daemon = await startDaemonProcess(t, { noWorkers: true, anonymousRead: false });
  t.is((await upload(daemon, SIG)).status, 201);
  const get = (headers: Record<string, string> = {}) => fetch(`${daemon.base}${MIRROR}`, { headers });
  const anonymous = await get();
  t.is(anonymous.status, 401);
  t.is(anonymous.headers.get('www-authenticate'), 'Bearer realm="sigmirror"');
  t.is(anonymous.headers.get('cache-control'), 'no-store');
  t.is((await get({ authorization: 'Bearer wrong' })).status, 401);
  t.is((await get({ authorization: 'Basic Zm9vOmJhcg==' })).status, 401);
  const signerOnly = await get(bearer('signer'));
  t.is(signerOnly.status, 403);
  t.like(await signerOnly.json(), { errors: [{ code: 'DENIED' }] });
  for (const role of ['reader', 'admin'] as const) {
    const r = await get(bearer(role));
    t.is(r.status, 200, role);
    t.true(Buffer.from(await r.arrayBuffer()).equals(SIG));
  }
});

test.serial('defect 5: with anonymous reads on, a wrong token is still refused', async (t) => {
  const daemon = await startDaemonProcess(t, { noWorkers: true });
  t.is((await upload(daemon, SIG)).status, 201);
  t.is((await fetch(`${daemon.base}${MIRROR}`)).status, 200);
  t.is((await fetch(`${daemon.base}${MIRROR}`, { headers: { authorization: 'Bearer wrong' } })).status, 401);
});

test.serial('defect 8: prototype keys are not notification sources', async (t) => {
  const daemon = await startDaemonProcess(t, {
    noWorkers: true,
    config: 'notifications: { sources: { reg: { registry: registry.example.com } } }',
  });
  for (const source of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
    const r = await fetch(`${daemon.base}/v1/notifications/registry?source=${source}`, {
      method: 'POST',
      headers: { ...bearer('importer'), 'content-type': 'application/json' },
      body: JSON.stringify({ events: [] }),
    });
    t.is(r.status, 400, source);
    t.deepEqual(await r.json(), {
      errors: [{ code: 'BAD_REQUEST', message: `unknown notification source "${source}"` }],
    });
  }
});

test.serial('defect 9: unknown methods on API routes answer 405 with Allow and log nothing', async (t) => {
  const daemon = await startDaemonProcess(t, { noWorkers: true });
  const cases: Array<[string, string]> = [
    ['/v1/imports', 'POST'],
    ['/healthz', 'HEAD, GET'],
    [EXTENSIONS, 'HEAD, GET, PUT'],
  ];
  for (const [route, allow] of cases) {
    for (const method of ['TRACE', 'PROPFIND', 'DELETE', 'PATCH']) {
      const r = await rawRequest(daemon.base, route, method);
      t.is(r.status, 405, `${method} ${route}`);
      t.is(r.headers.allow, allow, `${method} ${route}`);
      t.is(JSON.parse(r.body).errors[0].code, 'METHOD_NOT_ALLOWED');
    }
    const options = await rawRequest(daemon.base, route, 'OPTIONS');
    t.is(options.status, 204);
    t.is(options.headers.allow, allow);
  }
  t.is((await rawRequest(daemon.base, '/no/such/route', 'PROPFIND')).status, 404);
  t.true(await answersHealth(daemon));
  t.false(daemon.log().includes('"level":50'), 'no error logged');
});

test.serial('defect 9: a store read error is a 503 nobody caches, never a 404', async (t) => {
  const daemon = await startDaemonProcess(t, { noWorkers: true });
  const image = path.join(daemon.storeDir, 'registry.example.com', `ns/app@sha256=${HEX}`);
  // A directory where a signature file should be: reading it fails with EISDIR (root ignores modes).
  await mkdir(path.join(image, 'signature-1'), { recursive: true });
  const r = await fetch(`${daemon.base}${MIRROR}`);
  t.is(r.status, 503);
  t.is(r.headers.get('cache-control'), 'no-store');
  t.deepEqual(await r.json(), {
    errors: [{ code: 'UNAVAILABLE', message: 'the signature store cannot be read' }],
  });
  await rm(image, { recursive: true });
  t.is((await fetch(`${daemon.base}${MIRROR}`)).status, 404, 'answers again once the store reads');
  t.true(await answersHealth(daemon));
});

test.serial('defect 10: one notification carries at most 1,000 events', async (t) => {
  const daemon = await startDaemonProcess(t, { noWorkers: true });
  const event = (n: number) => ({
    action: 'push',
    target: {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      repository: `ns/app${n}`,
      digest: `sha256:${n.toString(16).padStart(64, '0')}`,
    },
    request: { host: 'registry.example.com' },
  });
  const post = (count: number) =>
    fetch(`${daemon.base}/v1/notifications/registry`, {
      method: 'POST',
      headers: { ...bearer('importer'), 'content-type': 'application/json' },
      body: JSON.stringify({ events: Array.from({ length: count }, (_, n) => event(n)) }),
    });
  const tooMany = await post(5_000);
  t.is(tooMany.status, 413);
  t.deepEqual(await tooMany.json(), {
    errors: [
      { code: 'SIZE_INVALID', message: 'a notification may carry at most 1000 events (this one has 5000)' },
    ],
  });
  const fits = await post(1_000);
  t.is(fits.status, 200);
  t.deepEqual(await fits.json(), { queued: 1_000 });
});

test.serial(
  'defect 10: a tokens file others may write is refused at start; a world-readable one is warned about',
  async (t) => {
    const writable = await startDaemonProcess(t, { noWorkers: true, tokensMode: 0o666, noWait: true });
    const code = await new Promise<number | null>((resolve) => writable.child.once('exit', resolve));
    t.is(code, 1);
    const tokens = path.join(writable.dir, 'tokens.yaml');
    t.true(
      writable
        .log()
        .includes(
          `tokens file ${tokens} is writable by everyone (mode 0666): refused; run chmod 600 ${tokens}`,
        ),
      writable.log().slice(-500),
    );
    const readable = await startDaemonProcess(t, { noWorkers: true, tokensMode: 0o644 });
    await waitFor('the warning', () => readable.log().includes('is readable by everyone (mode 0644)'));
    t.true(await answersHealth(readable));
  },
);

test.serial(
  'defect 10: credentials in a lookaside URL never leave: not in the API, the console, the status or the log',
  async (t) => {
    const up = await startUpstream(t);
    const sig = `/store/ns/app@sha256=${HEX}/signature-1`;
    up.routes.set(sig, bytesHandler(SIG));
    const lookaside =
      up.base.replace('http://', 'http://robot:hunter2@') + '/store?token=s3cr3t&X-Amz-Signature=abcdef';
    const daemon = await startDaemonProcess(t, {
      registries: { 'up.yaml': `docker:\n  registry.example.com:\n    lookaside: ${lookaside}\n` },
      config: 'log: { level: debug }',
    });
    const reference = `registry.example.com/ns/app@${DIGEST}`;
    const queued = await fetch(`${daemon.base}/v1/imports`, {
      method: 'POST',
      headers: { ...bearer('importer'), 'content-type': 'application/json' },
      body: JSON.stringify({ references: [reference] }),
    });
    const { jobs } = (await queued.json()) as { jobs: Array<{ id: string }> };
    const done = await waitFor(
      'the import',
      async () => {
        const s = (await (
          await fetch(`${daemon.base}/v1/imports/${encodeURIComponent(jobs[0]!.id)}`)
        ).json()) as { state: string };
        return s.state === 'completed' || s.state === 'failed' ? s : undefined;
      },
      20_000,
    );
    t.is(done.state, 'completed', JSON.stringify(done));
    t.true(up.requests.includes(`${sig}?token=s3cr3t&X-Amz-Signature=abcdef`), 'the upstream got its token');
    const image = (await (await fetch(`${daemon.base}/v1/images/${reference}`)).json()) as {
      source: string;
      signatures: Array<{ source: string }>;
    };
    const safeBase = `http://[redacted]@127.0.0.1:${new URL(up.base).port}/store`;
    t.is(image.source, `${safeBase}?token=[redacted]&X-Amz-Signature=[redacted]`);
    t.is(
      image.signatures[0]!.source,
      `${safeBase}/ns/app@sha256=${HEX}/signature-1?token=[redacted]&X-Amz-Signature=[redacted]`,
    );
    const shown = [
      JSON.stringify(image),
      await (await fetch(`${daemon.base}/v1/images?registry=registry.example.com`)).text(),
      await (await fetch(`${daemon.base}/v1/status`)).text(),
      await (await fetch(`${daemon.base}/console/images/${reference}`)).text(),
      await (await fetch(`${daemon.base}/metrics`)).text(),
      daemon.log(),
    ];
    for (const [i, text] of shown.entries()) {
      for (const secret of ['hunter2', 's3cr3t', 'abcdef', 'robot'])
        t.false(text.includes(secret), `${secret} in output ${i}`);
    }
  },
);

test.serial('a request head over 16 KiB is a 431 in the envelope and the daemon stays up', async (t) => {
  const daemon = await startDaemonProcess(t, { noWorkers: true });
  const r = await rawRequest(daemon.base, '/healthz', 'GET', undefined, {
    'x-big': 'x'.repeat(20_000),
  }).catch((err: Error) => ({ status: -1, headers: {}, body: err.message }));
  t.is(r.status, 431);
  t.deepEqual(JSON.parse(r.body), {
    errors: [{ code: 'HEADERS_TOO_LARGE', message: 'request header fields too large' }],
  });
  t.true(await answersHealth(daemon));
});
