/**
 * host-config end to end with the real clients: skopeo pushes a signed image to a registry whose
 * signatures live in a static upstream lookaside; sigmirror imports them; `sigmirror host-config`
 * writes a host's registries.d and policy.json, which a "host" skopeo uses verbatim to pull from
 * the registry and from a mirror registry holding an unsigned copy (remapIdentity). Unsigned
 * images, another key and --default-reject are refused with skopeo's own errors. The same files
 * as MachineConfigs (--format machineconfig), decoded from their data: URLs, work the same.
 */
import { spawn } from 'node:child_process';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { needs } from '../helpers/needs.js';
import { parse } from 'yaml';
import { CLI_ARGS, sigmirrorAsync } from '../helpers/cli.js';
import { decodeDataUrl, machineConfigShape } from '../helpers/kube-shapes.js';
import { freePort } from '../helpers/ports.js';
import { ACCEPT_ANYTHING_POLICY, gpgKey, ociImage, sh, startRegistry } from '../helpers/real-clients.js';
import { TEST_REDIS_URL, redisPrefix } from '../helpers/redis.js';
import { tempDir, writeTree } from '../helpers/tmp.js';
import { startStaticUpstream } from '../helpers/upstream.js';
import { waitFor } from '../helpers/wait.js';

const test = await needs({ redis: true, tools: ['docker-registry', 'gpg', 'skopeo'] });

const NO_SIGNATURE = /A signature was required, but no signature exists/;

test('hosts using host-config output verbatim pull signed images from the registry and its mirror', async (t) => {
  t.timeout(300_000);
  const prefix = await redisPrefix(t);
  const h = await tempDir(t, 'sigmirror-hostconfig-');
  const signer = await gpgKey(path.join(h, 'gnupg'));
  const other = await gpgKey(path.join(h, 'gnupg-other'), 'someone else');
  await sh('gpg', ['--export', '-o', `${h}/signer.gpg`, signer.fpr], signer.env);
  await sh('gpg', ['--export', '--armor', '-o', `${h}/signer.asc`, signer.fpr], signer.env);
  await sh('gpg', ['--export', '-o', `${h}/other.gpg`, other.fpr], other.env);
  await sh('gpg', ['--export', '--armor', '-o', `${h}/other.asc`, other.fpr], other.env);
  await mkdir(`${h}/upstream`);
  await mkdir(`${h}/empty-rd`);
  await writeFile(`${h}/accept.json`, ACCEPT_ANYTHING_POLICY);
  const upstream = await startStaticUpstream(t, `${h}/upstream`);
  const reg = await startRegistry(t, `${h}/registry`);
  const mir = await startRegistry(t, `${h}/mirror`);
  const sm = `http://127.0.0.1:${await freePort()}`;

  // sigmirror imports REG's signatures from the upstream lookaside.
  await writeTree(h, {
    'sm/rd/upstream.yaml': `docker:\n  ${reg}:\n    lookaside: ${upstream}\n`,
    'sm/sigmirror.yaml': [
      `redis:\n  url: ${TEST_REDIS_URL}\n  prefix: ${prefix}`,
      `registriesDir: ${h}/sm/rd`,
      `store:\n  path: ${h}/sm/store`,
      `listen:\n  host: 127.0.0.1\n  port: ${new URL(sm).port}`,
      `import:\n  resyncIntervalMs: 0`,
      '',
    ].join('\n'),
    'push-rd/r.yaml': `docker:\n  ${reg}:\n    lookaside: ${upstream}\n    lookaside-staging: file://${h}/upstream\n`,
  });
  const daemon = spawn(process.execPath, [...CLI_ARGS, 'serve', '--config', `${h}/sm/sigmirror.yaml`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  daemon.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  t.teardown(() => void daemon.kill('SIGKILL'));
  await waitFor('sigmirror', () => log.includes('sigmirror is running'), 30_000);

  // Publisher: skopeo pushes to REG, signing into the upstream's file:// staging; digests by name.
  const skopeo = (args: string[], env = {}) =>
    sh('skopeo', ['--policy', `${h}/accept.json`, '--registries.d', `${h}/push-rd`, ...args], env);
  const push = async (repo: string, sign: boolean) => {
    await ociImage(`${h}/oci-${repo}`, `image ${repo}`);
    const signArgs = sign ? ['--sign-by', signer.fpr] : [];
    await skopeo(
      [
        'copy',
        '-q',
        '--dest-tls-verify=false',
        ...signArgs,
        `oci:${h}/oci-${repo}:latest`,
        `docker://${reg}/team/${repo}:v1`,
      ],
      signer.env,
    );
    const digest = (
      await skopeo([
        'inspect',
        '--tls-verify=false',
        '--format',
        '{{.Digest}}',
        `docker://${reg}/team/${repo}:v1`,
      ])
    ).trim();
    // The mirror registry gets the same manifest without signatures, as `oc image mirror` would.
    await sh('skopeo', [
      '--policy',
      `${h}/accept.json`,
      '--registries.d',
      `${h}/empty-rd`,
      'copy',
      '-q',
      '--remove-signatures',
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      `docker://${reg}/team/${repo}:v1`,
      `docker://${mir}/team/${repo}:v1`,
    ]);
    const copied = await skopeo([
      'inspect',
      '--tls-verify=false',
      '--format',
      '{{.Digest}}',
      `docker://${mir}/team/${repo}:v1`,
    ]);
    t.is(copied.trim(), digest);
    return digest;
  };
  const signed = await push('app', true);
  await push('plain', false);

  const imported = await sigmirrorAsync([
    'import',
    '--config',
    `${h}/sm/sigmirror.yaml`,
    '--wait',
    '--json',
    `${reg}/team/app@${signed}`,
  ]);
  t.is(imported.code, 0, imported.stderr + imported.stdout);
  const served = await fetch(`${sm}/sigstore/${reg}/team/app@${signed.replace(':', '=')}/signature-1`);
  t.is(served.status, 200);

  // host-config writes a host's files; the host's skopeo uses them as they are.
  let hosts = 0;
  const hostConfig = async (...args: string[]) => {
    const dir = `${h}/host-${++hosts}`;
    const r = await sigmirrorAsync(['host-config', '--mirror-url', sm, ...args, '--output-dir', dir], {
      cwd: h,
    });
    t.is(r.code, 0, r.stderr);
    return dir;
  };
  let pulls = 0;
  const pull = (host: string, ref: string) =>
    sh('skopeo', [
      '--registries.d',
      `${host}/registries.d`,
      '--policy',
      `${host}/policy.json`,
      'copy',
      '-q',
      '--src-tls-verify=false',
      `docker://${ref}`,
      `dir:${h}/pulled-${++pulls}`,
    ]).then(
      () => 'accepted',
      (err: Error) => err.message,
    );

  // 1. The registry and its mirror, one key by path.
  const host = await hostConfig(
    '--registry',
    reg,
    '--mirror-of',
    `${mir}=${reg}`,
    '--public-key',
    'signer.gpg',
  );
  t.is(await pull(host, `${reg}/team/app:v1`), 'accepted');
  t.is(await pull(host, `${reg}/team/app@${signed}`), 'accepted');
  t.is(await pull(host, `${mir}/team/app:v1`), 'accepted');
  t.is(await pull(host, `${mir}/team/app@${signed}`), 'accepted');
  t.regex(await pull(host, `${reg}/team/plain:v1`), NO_SIGNATURE);
  t.regex(await pull(host, `${mir}/team/plain:v1`), NO_SIGNATURE);

  // Control: the same files without the remapIdentity refuse the mirror (identity is REG's).
  const policy = JSON.parse(await readFile(`${host}/policy.json`, 'utf8')) as {
    transports: { docker: Record<string, { signedIdentity?: unknown }[]> };
  };
  delete policy.transports.docker[mir]![0]!.signedIdentity;
  await writeTree(h, { 'no-remap/policy.json': JSON.stringify(policy) });
  await cp(`${host}/registries.d`, `${h}/no-remap/registries.d`, { recursive: true });
  t.regex(
    await pull(`${h}/no-remap`, `${mir}/team/app:v1`),
    new RegExp(`Signature for identity ${reg}/team/app:v1 is not accepted`),
  );

  // 2. A policy trusting another key refuses the signed image on both (gpgme: 0x9, no public key).
  const unknownKey = new RegExp(`Source image rejected: Invalid GPG signature: .*${signer.fpr}.*err:0x9\\}`);
  const wrongKey = await hostConfig(
    '--registry',
    reg,
    '--mirror-of',
    `${mir}=${reg}`,
    '--public-key',
    'other.gpg',
  );
  t.regex(await pull(wrongKey, `${reg}/team/app:v1`), unknownKey);
  t.regex(await pull(wrongKey, `${mir}/team/app:v1`), unknownKey);

  // 3. Several keys: keyPaths, and an embedded keyring of two armored keys (keyData).
  const twoPaths = await hostConfig(
    '--registry',
    reg,
    '--mirror-of',
    `${mir}=${reg}`,
    '--public-key',
    'other.gpg',
    'signer.gpg',
  );
  t.is(await pull(twoPaths, `${mir}/team/app:v1`), 'accepted');
  const embedded = await hostConfig(
    '--mirror-of',
    `${mir}=${reg}`,
    '--public-key',
    'other.asc',
    'signer.asc',
    '--embed-keys',
  );
  t.is(await pull(embedded, `${mir}/team/app@${signed}`), 'accepted');

  // 4. Registries not listed: accepted by the shipped default, refused with --default-reject.
  t.is(await pull(embedded, `${reg}/team/plain:v1`), 'accepted');
  const strict = await hostConfig(
    '--mirror-of',
    `${mir}=${reg}`,
    '--public-key',
    'signer.gpg',
    '--default-reject',
  );
  t.regex(await pull(strict, `${reg}/team/app:v1`), /is rejected by policy/);
  t.is(await pull(strict, `${mir}/team/app:v1`), 'accepted');

  // 5. OpenShift nodes: the same files in MachineConfigs. A node's files are the data: URLs decoded
  // at their paths; its skopeo pulls with them exactly as with the files written directly.
  const same = [
    '--registry',
    reg,
    '--mirror-of',
    `${mir}=${reg}`,
    '--public-key',
    'signer.asc',
    '--embed-keys',
  ];
  const direct = await hostConfig(...same);
  const manifests = await hostConfig(
    ...same,
    '--format',
    'machineconfig',
    '--role',
    'master',
    '--role',
    'worker',
  );
  for (const role of ['master', 'worker'] as const) {
    const text = await readFile(`${manifests}/99-${role}-sigmirror-signatures.yaml`, 'utf8');
    const object = machineConfigShape.parse(parse(text, { version: '1.1' }));
    t.is(object.metadata.labels['machineconfiguration.openshift.io/role'], role);
    const node = `${h}/node-${role}`;
    for (const file of object.spec.config.storage.files)
      await writeTree(node, { [file.path]: decodeDataUrl(file.contents.source).toString() });
    const etc = `${node}/etc/containers`;
    t.deepEqual(await readFile(`${etc}/policy.json`), await readFile(`${direct}/policy.json`));
    t.deepEqual(
      await readFile(`${etc}/registries.d/sigmirror.yaml`),
      await readFile(`${direct}/registries.d/sigmirror.yaml`),
    );
    t.is(await pull(etc, `${reg}/team/app:v1`), 'accepted');
    t.is(await pull(etc, `${mir}/team/app@${signed}`), 'accepted');
    t.regex(await pull(etc, `${mir}/team/plain:v1`), NO_SIGNATURE);
  }
});
