/**
 * Readiness on HA masters (issue 16 item 4): two daemons share one Redis; configuration
 * management pushes the same broken registries.d edit to both. Both stay ready (the last good
 * configuration serves correct answers) and report the rejected edit in /v1/status, /healthz,
 * the sigmirror_registries_config_error metric and the log. A daemon with no configuration in
 * force at all is not ready.
 */
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bearer } from '../../helpers/api.js';
import { startDaemonProcess, type DaemonProcess } from '../../helpers/daemon.js';
import { syntheticSignature } from '../../helpers/synthetic-signature.js';
import { startUpstream } from '../../helpers/upstream.js';
import { waitFor } from '../../helpers/wait.js';
import { needs } from '../../helpers/needs.js';

const test = await needs({ redis: true });

const REGISTRY = 'registry.example.com';
const DIGEST = `sha256:${createHash('sha256').update('readiness').digest('hex')}`;
const SIGNATURE = syntheticSignature('readiness-1');
const BROKEN = `docker:\n  ${REGISTRY}:\n    lookaside: [unclosed\n`;

interface Seen {
  status: string;
  registries: {
    inForce: boolean;
    lastError: { errors: string[] } | null;
    rejectedEdit: { errors: string[] } | null;
  };
}
const json = async (base: string, route: string) => (await (await fetch(`${base}${route}`)).json()) as Seen;

test('a rejected registries.d edit pushed to both masters leaves both ready and reported', async (t) => {
  t.timeout(120_000);
  const upstream = await startUpstream(t);
  upstream.routes.set(`/ns/app@sha256=${DIGEST.slice(7)}/signature-1`, (_q, r) =>
    r.writeHead(200).end(SIGNATURE),
  );
  const registries = { 'upstream.yaml': `docker:\n  ${REGISTRY}:\n    lookaside: ${upstream.base}\n` };
  const a = await startDaemonProcess(t, { registries, storeBackend: 'redis' });
  if (!a) return;
  const b = (await startDaemonProcess(t, { registries, storeBackend: 'redis', prefix: a.prefix }))!;
  const masters: DaemonProcess[] = [a, b];
  for (const m of masters) await writeFile(path.join(m.dir, 'rd', 'upstream.yaml'), BROKEN);
  for (const m of masters)
    await waitFor(
      'the rejected edit',
      async () => (await json(m.base, '/v1/status')).registries.lastError,
      10_000,
    );

  for (const m of masters) {
    const ready = await fetch(`${m.base}/readyz`);
    t.is(ready.status, 200);
    t.deepEqual(await ready.json(), {
      status: 'ready',
      checks: { redis: 'ok', registries: 'ok', store: 'ok' },
    });
    const health = await json(m.base, '/healthz');
    t.is(health.status, 'ok');
    t.true(health.registries.inForce);
    t.regex(health.registries.rejectedEdit!.errors[0]!, /^.*upstream\.yaml:\d+: /);
    t.regex(await (await fetch(`${m.base}/metrics`)).text(), /^sigmirror_registries_config_error 1$/m);
    t.regex(m.log(), /registries\.d: .*upstream\.yaml.*keeping the last good configuration/);
  }

  // Correct answers through the last good configuration: imported by one, served by the other.
  const r = await fetch(`${a.base}/v1/imports`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...bearer('importer') },
    body: JSON.stringify({ references: [`${REGISTRY}/ns/app@${DIGEST}`] }),
  });
  t.is(r.status, 202);
  const url = `${b.base}/sigstore/${REGISTRY}/ns/app@sha256=${DIGEST.slice(7)}/signature-1`;
  const served = await waitFor(
    'the import served by the other master',
    async () => {
      const got = await fetch(url);
      return got.status === 200 ? Buffer.from(await got.arrayBuffer()) : undefined;
    },
    30_000,
  );
  t.deepEqual(served, SIGNATURE);
});

test('a daemon with no registries.d configuration in force is not ready', async (t) => {
  const d = await startDaemonProcess(t, { registries: { 'broken.yaml': BROKEN } });
  if (!d) return;
  const r = await fetch(`${d.base}/readyz`);
  t.is(r.status, 503);
  const body = (await r.json()) as { checks: Record<string, string> };
  t.regex(body.checks.registries!, /^no registries\.d configuration loaded: /);
  t.false((await json(d.base, '/healthz')).registries.inForce);
});
