/**
 * Real container tools on 127.0.0.1: Debian's
 * docker-registry, skopeo and gpg. Every process started here is stopped when the test ends.
 */
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ExecutionContext } from 'ava';
import { freePort } from './ports.js';
import { waitFor } from './wait.js';

const run = promisify(execFile);

/** Runs a command; rejects with its stderr on a non-zero exit. */
export async function sh(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  try {
    const { stdout } = await run(cmd, args, { env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed: ${e.stderr || e.message}`);
  }
}

/** docker-registry (distribution 2.8) on a free port; returns `127.0.0.1:PORT`. */
export async function startRegistry(
  t: ExecutionContext,
  root: string,
  extraConfig = '',
  fixedPort?: number,
): Promise<string> {
  const port = fixedPort ?? (await freePort());
  const host = `127.0.0.1:${port}`;
  await mkdir(path.join(root, 'data'), { recursive: true });
  const config = path.join(root, 'config.yml');
  await writeFile(
    config,
    `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${root}/data\nhttp:\n  addr: ${host}\n${extraConfig}`,
  );
  const child = spawn('docker-registry', ['serve', config], { stdio: 'ignore' });
  t.teardown(() => void child.kill());
  await waitFor(`docker-registry on ${host}`, () =>
    fetch(`http://${host}/v2/`).then(
      (r) => r.ok,
      () => false,
    ),
  );
  return host;
}

/** A throwaway GPG signing key in its own GNUPGHOME; returns the env and the fingerprint. */
export async function gpgKey(
  home: string,
  name = 'sigmirror test',
): Promise<{ env: NodeJS.ProcessEnv; fpr: string }> {
  await mkdir(home, { recursive: true, mode: 0o700 });
  const env = { GNUPGHOME: home };
  const spec = `%no-protection\nKey-Type: RSA\nKey-Length: 2048\nName-Real: ${name}\nName-Email: test@example.test\nExpire-Date: 0\n%commit\n`;
  await writeFile(path.join(home, 'keyspec'), spec);
  await sh('gpg', ['--batch', '--gen-key', path.join(home, 'keyspec')], env);
  const colons = await sh('gpg', ['--list-keys', '--with-colons'], env);
  const fpr = /^fpr:+([0-9A-F]{40}):/m.exec(colons)?.[1];
  if (!fpr) throw new Error('gpg did not report a fingerprint');
  return { env, fpr };
}

/** A one-layer OCI image layout at `dir` (tag `latest`), built by hand: no network needed. */
export async function ociImage(dir: string, text: string): Promise<string> {
  const blobs = path.join(dir, 'blobs', 'sha256');
  await mkdir(blobs, { recursive: true });
  const put = async (bytes: Buffer) => {
    const hex = createHash('sha256').update(bytes).digest('hex');
    await writeFile(path.join(blobs, hex), bytes);
    return { digest: `sha256:${hex}`, size: bytes.length };
  };
  const layer = await put(Buffer.from(text)); // a layer blob's content is opaque to the registry
  const config = await put(
    Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        rootfs: { type: 'layers', diff_ids: [layer.digest] },
      }),
    ),
  );
  const manifest = await put(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...layer }],
      }),
    ),
  );
  await writeFile(path.join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  await writeFile(
    path.join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          ...manifest,
          annotations: { 'org.opencontainers.image.ref.name': 'latest' },
        },
      ],
    }),
  );
  return manifest.digest;
}

/** A policy.json that accepts anything (for pushes and for reading where we check bytes). */
export const ACCEPT_ANYTHING_POLICY = '{"default":[{"type":"insecureAcceptAnything"}]}';
