/**
 * The RHEL master of docs/install.md, end to end (issue 16 items 1 and 2): a real daemon reaches
 * a private-CA TLS sigstore only through a proxy that wants credentials; the CA sits in a
 * system-style bundle the config points `import.caBundles` at. Once from `import.proxy`, once
 * from HTTPS_PROXY in the environment (the systemd EnvironmentFile way). The password is never
 * logged.
 */
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { rootCertificates } from 'node:tls';
import { type ExecutionContext } from 'ava';
import { bearer } from '../../helpers/api.js';
import { startDaemonProcess } from '../../helpers/daemon.js';
import { syntheticSignature } from '../../helpers/synthetic-signature.js';
import { startTinyproxy } from '../../helpers/tinyproxy.js';
import { tempDir } from '../../helpers/tmp.js';
import { makeCertificates, startUpstream } from '../../helpers/upstream.js';
import { waitFor } from '../../helpers/wait.js';
import { needs } from '../../helpers/needs.js';

const test = await needs({ redis: true, tools: ['tinyproxy'] });

const REGISTRY = 'registry.example.com';
const DIGEST = `sha256:${createHash('sha256').update('rhel-master').digest('hex')}`;
const SIGNATURE = syntheticSignature('rhel-master-1');
const PASSWORD = 'pr0xy-pa55word';

async function scenario(t: ExecutionContext, how: 'config' | 'environment') {
  const proxy = await startTinyproxy(t, [`BasicAuth sigmirror ${PASSWORD}`]);
  if (!proxy) return;
  const dir = await tempDir(t);
  const certs = makeCertificates(dir);
  const upstream = await startUpstream(t, certs);
  upstream.routes.set(`/ns/app@sha256=${DIGEST.slice(7)}/signature-1`, (_q, r) =>
    r.writeHead(200).end(SIGNATURE),
  );
  const bundle = path.join(dir, 'tls-ca-bundle.pem');
  await writeFile(bundle, [...rootCertificates.slice(0, 10), certs.ca].join('\n'));
  const proxyUrl = `http://sigmirror:${PASSWORD}@127.0.0.1:${proxy.port}`;
  const d = await startDaemonProcess(t, {
    registries: { 'up.yaml': `docker:\n  ${REGISTRY}:\n    lookaside: ${upstream.base}\n` },
    config: [
      'certsDirs: []',
      'import:',
      `  caBundles: [${bundle}]`,
      '  recheckDelaysMs: []',
      '  resyncIntervalMs: 0',
      how === 'config' ? `  proxy: { https: "${proxyUrl}" }` : '',
    ].join('\n'),
    env: how === 'environment' ? { HTTPS_PROXY: proxyUrl, NO_PROXY: 'localhost,.example.com' } : {},
  });
  if (!d) return;
  const r = await fetch(`${d.base}/v1/imports`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...bearer('importer') },
    body: JSON.stringify({ references: [`${REGISTRY}/ns/app@${DIGEST}`] }),
  });
  t.is(r.status, 202);
  const url = `${d.base}/sigstore/${REGISTRY}/ns/app@sha256=${DIGEST.slice(7)}/signature-1`;
  const served = await waitFor(
    'the signature imported through the proxy',
    async () => {
      const got = await fetch(url);
      return got.status === 200 ? Buffer.from(await got.arrayBuffer()) : undefined;
    },
    30_000,
  );
  t.deepEqual(served, SIGNATURE);
  t.regex(await proxy.log(), new RegExp(`CONNECT ${upstream.base.replace('https://', '')} HTTP/1\\.1`));
  t.regex(d.log(), new RegExp(`"source":"${how}".*upstream sigstores are reached through a proxy`));
  t.true(d.log().includes(`http://[redacted]@127.0.0.1:${proxy.port}`));
  t.false(d.log().includes(PASSWORD), 'the proxy password is never logged');
}

test('import.proxy with credentials and a CA in the system bundle: imported through the proxy', (t) =>
  scenario(t, 'config'));

test('HTTPS_PROXY from the environment and a CA in the system bundle: imported through the proxy', (t) =>
  scenario(t, 'environment'));
