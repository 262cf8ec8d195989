/**
 * What https upstreams are trusted with (issue 16 items 2 and 3), against a real TLS server whose
 * private CA is installed the way an admin does it: in a system-style bundle file
 * (`import.caBundles`, like RHEL's tls-ca-bundle.pem) or in certs.d. A new or changed CA applies
 * without a restart, within a second.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { rootCertificates } from 'node:tls';
import test, { type ExecutionContext } from 'ava';
import { AgentPool, FetchError, fetchSignatureList } from '../../../src/fetch/index.js';
import { signatureUrl } from '../../../src/lookaside/index.js';
import { tempDir } from '../../helpers/tmp.js';
import { bytesHandler, makeCertificates, startUpstream } from '../../helpers/upstream.js';
import { readVector } from '../../helpers/vectors.js';
import { waitFor } from '../../helpers/wait.js';

const HEX = '6'.repeat(64);
const SIG = readVector('containers-image/image.signature');
/**
 * A changed CA applies within a second (a 500 ms poll, then the next connection); the margin is
 * for a CI machine under load, where each TLS handshake of the polling reads takes a while too.
 */
const APPLIES_WITHIN_MS = 6_000;

async function tlsUpstream(t: ExecutionContext) {
  const dir = await tempDir(t);
  const certs = makeCertificates(dir);
  const up = await startUpstream(t, certs);
  up.routes.set(`/ns/app@sha256=${HEX}/signature-1`, bytesHandler(SIG));
  return { dir, ca: certs.ca, base: up.base, hostPort: up.base.replace('https://', '') };
}

const read = (agents: AgentPool, base: string) =>
  fetchSignatureList({
    urlFor: (n) => signatureUrl(`${base}/ns/app`, `sha256:${HEX}`, n),
    agents,
    timeoutMs: 5_000,
  });

/** Polls until a read succeeds; returns how long it took. */
async function readsWithin(agents: AgentPool, base: string): Promise<number> {
  const start = Date.now();
  await waitFor(
    'the new CA to apply',
    () =>
      read(agents, base).then(
        () => true,
        () => false,
      ),
    10_000,
  );
  return Date.now() - start;
}

/** A system-style bundle: many public roots, then the corporate CA (as update-ca-trust writes it). */
const bundleWith = (...extra: string[]) => [...rootCertificates.slice(0, 20), ...extra].join('\n');

test('a private CA in a system-style bundle file is trusted; missing bundle paths are skipped', async (t) => {
  const up = await tlsUpstream(t);
  const bundle = path.join(up.dir, 'pki/ca-trust/extracted/pem/tls-ca-bundle.pem');
  await mkdir(path.dirname(bundle), { recursive: true });
  await writeFile(bundle, bundleWith(up.ca));
  const agents = new AgentPool([], 5_000, 8, { caBundles: [path.join(up.dir, 'absent.crt'), bundle] });
  t.teardown(() => agents.close());
  t.is((await read(agents, up.base)).signatures.length, 1);

  const without = new AgentPool([], 5_000, 8, { caBundles: [path.join(up.dir, 'absent.crt')] });
  t.teardown(() => without.close());
  const err = await t.throwsAsync(read(without, up.base), { instanceOf: FetchError });
  t.is(err!.kind, 'tls-unknown-authority');
  t.true(err!.message.includes('and no system bundle (import.caBundles)'), err!.message);
});

test('a CA added to the system bundle applies without a restart; the error names the bundle read', async (t) => {
  const up = await tlsUpstream(t);
  const bundle = path.join(up.dir, 'tls-ca-bundle.pem');
  await writeFile(bundle, bundleWith());
  const agents = new AgentPool([], 5_000, 8, { caBundles: [bundle] });
  t.teardown(() => agents.close());
  await agents.watch();
  const err = await t.throwsAsync(read(agents, up.base), { instanceOf: FetchError });
  t.true(err!.message.includes(` and the system bundle ${bundle}; `), err!.message);
  // update-ca-trust replaces the file: a new inode renamed over the old one.
  await writeFile(`${bundle}.new`, bundleWith(up.ca));
  await rename(`${bundle}.new`, bundle);
  const took = await readsWithin(agents, up.base);
  t.log(`applied after ${took} ms`);
  t.true(took < APPLIES_WITHIN_MS, `applied after ${took} ms`);
});

test('a CA dropped into certs.d (directory created after start) applies without a restart', async (t) => {
  const up = await tlsUpstream(t);
  const certsDir = path.join(up.dir, 'containers/certs.d');
  const agents = new AgentPool([certsDir], 5_000);
  t.teardown(() => agents.close());
  await agents.watch();
  const err = await t.throwsAsync(read(agents, up.base), { instanceOf: FetchError });
  t.true(
    err!.message.endsWith(
      `put the sigstore's CA certificate in ${certsDir}/${up.hostPort}/ca.crt (applied within a second, no restart)`,
    ),
    err!.message,
  );
  await mkdir(path.join(certsDir, up.hostPort), { recursive: true });
  await writeFile(path.join(certsDir, up.hostPort, 'ca.crt'), up.ca);
  const took = await readsWithin(agents, up.base);
  t.log(`applied after ${took} ms`);
  t.true(took < APPLIES_WITHIN_MS, `applied after ${took} ms`);

  // A changed CA (the server re-issued under another CA): the old one no longer passes, the new one does.
  const other = await tlsUpstream(t);
  const otherDir = path.join(certsDir, other.hostPort);
  await mkdir(otherDir, { recursive: true });
  await writeFile(path.join(otherDir, 'ca.crt'), up.ca); // the wrong CA for this server
  await t.throwsAsync(read(agents, other.base), { instanceOf: FetchError });
  await writeFile(path.join(otherDir, 'ca.crt'), other.ca);
  t.true((await readsWithin(agents, other.base)) < APPLIES_WITHIN_MS);
});
