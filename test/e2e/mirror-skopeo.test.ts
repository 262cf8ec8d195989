/**
 * End to end with the real clients: docker-registry notifies sigmirror of a push signed by skopeo
 * into an upstream lookaside; sigmirror imports it; a "host" skopeo whose registries.d points its
 * lookaside at sigmirror and whose policy requires signedBy the key pulls it. A tampered
 * signature and an unsigned image are refused; a signature PUT through the API is accepted.
 */
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { needs } from '../helpers/needs.js';
import { tokenHash } from '../../src/auth/index.js';
import { CLI_ARGS } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';
import { ACCEPT_ANYTHING_POLICY, gpgKey, ociImage, sh, startRegistry } from '../helpers/real-clients.js';
import { TEST_REDIS_URL, redisPrefix } from '../helpers/redis.js';
import { tempDir, writeTree } from '../helpers/tmp.js';
import { startStaticUpstream } from '../helpers/upstream.js';
import { waitFor } from '../helpers/wait.js';

const test = await needs({ redis: true, tools: ['docker-registry', 'gpg', 'skopeo'] });

test('hosts pull through the sigmirror lookaside exactly as from the upstream sigstore', async (t) => {
  t.timeout(240_000);
  const prefix = await redisPrefix(t);
  const h = await tempDir(t, 'sigmirror-e2e-');
  const { env, fpr } = await gpgKey(path.join(h, 'gnupg'));
  await sh('gpg', ['--export', '-o', path.join(h, 'pub.gpg'), fpr], env);
  const upstream = await startStaticUpstream(t, path.join(h, 'upstream'));
  const smPort = await freePort();
  const regPort = await freePort();
  const reg = `127.0.0.1:${regPort}`;
  const sm = `http://127.0.0.1:${smPort}`;

  // sigmirror: imports REG's signatures from the upstream; notifications from source "e2e".
  await writeTree(h, {
    'upstream/.keep': '',
    'sm/rd/upstream.yaml': `docker:\n  ${reg}:\n    lookaside: ${upstream}\n`,
    'sm/tokens.yaml': `tokens:\n  - name: registry\n    sha256: ${tokenHash('notify-token')}\n    roles: [importer]\n  - name: ci\n    sha256: ${tokenHash('sign-token')}\n    roles: [signer]\n`,
    'sm/sigmirror.yaml': [
      `redis:\n  url: ${TEST_REDIS_URL}\n  prefix: ${prefix}`,
      `registriesDir: ${h}/sm/rd`,
      `store:\n  path: ${h}/sm/store`,
      `listen:\n  host: 127.0.0.1\n  port: ${smPort}`,
      `auth:\n  tokensFile: ${h}/sm/tokens.yaml`,
      `import:\n  recheckDelaysMs: [300, 600, 1200, 2400, 4800]\n  resyncIntervalMs: 0`,
      `notifications:\n  sources:\n    e2e:\n      registry: ${reg}`,
      '',
    ].join('\n'),
  });
  const daemon = spawn(process.execPath, [...CLI_ARGS, 'serve', '--config', `${h}/sm/sigmirror.yaml`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  daemon.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  t.teardown(() => void daemon.kill('SIGKILL'));
  await waitFor('sigmirror', () => log.includes('sigmirror is running'), 30_000);

  // The registry notifies sigmirror of every push.
  const notify = `notifications:\n  endpoints:\n    - name: sigmirror\n      url: ${sm}/v1/notifications/registry?source=e2e\n      headers:\n        Authorization: [Bearer notify-token]\n      timeout: 2s\n      threshold: 3\n      backoff: 1s\n`;
  const regHost = await startRegistry(t, path.join(h, 'registry'), notify, regPort);
  t.is(regHost, reg);

  // Publisher side: skopeo pushes and signs into the upstream lookaside (file:// staging).
  await writeTree(h, {
    'push-rd/r.yaml': `docker:\n  ${reg}:\n    lookaside: ${upstream}\n    lookaside-staging: file://${h}/upstream\n`,
  });
  await writeFile(path.join(h, 'accept.json'), ACCEPT_ANYTHING_POLICY);
  const push = async (name: string, repo: string, sign: boolean) => {
    await ociImage(path.join(h, `oci-${name}`), `image ${name}`);
    const signArgs = sign ? ['--sign-by', fpr] : [];
    await sh(
      'skopeo',
      [
        '--policy',
        `${h}/accept.json`,
        '--registries.d',
        `${h}/push-rd`,
        'copy',
        '-q',
        '--dest-tls-verify=false',
        ...signArgs,
        `oci:${h}/oci-${name}:latest`,
        `docker://${reg}/${repo}`,
      ],
      env,
    );
    return (
      await sh('skopeo', [
        'inspect',
        '--tls-verify=false',
        '--format',
        '{{.Digest}}',
        `docker://${reg}/${repo}`,
      ])
    ).trim();
  };
  const mirrored = (repo: string, digest: string) =>
    `${sm}/sigstore/${reg}/${repo}@${digest.replace(':', '=')}/signature-1`;
  const waitMirrored = (repo: string, digest: string) =>
    waitFor(
      `sigmirror to import ${repo}`,
      async () => (await fetch(mirrored(repo, digest))).status === 200,
      60_000,
    );

  // Host side: registries.d lookaside → sigmirror; policy: signedBy the key.
  await writeTree(h, {
    'host-rd/r.yaml': `docker:\n  ${reg}:\n    lookaside: ${sm}/sigstore/${reg}\n`,
    'host-policy.json': JSON.stringify({
      default: [{ type: 'reject' }],
      transports: { docker: { [reg]: [{ type: 'signedBy', keyType: 'GPGKeys', keyPath: `${h}/pub.gpg` }] } },
    }),
  });
  const hostPull = (repo: string) =>
    sh('skopeo', [
      '--policy',
      `${h}/host-policy.json`,
      '--registries.d',
      `${h}/host-rd`,
      'copy',
      '-q',
      '--src-tls-verify=false',
      `docker://${reg}/${repo}`,
      `dir:${h}/pulled-${repo.replace(/\W/g, '-')}`,
    ]).then(
      () => 'accepted',
      (err: Error) => err.message,
    );

  // 1. A signed push is imported on the notification and accepted by the host.
  const signed = await push('signed', 'team/app:v1', true);
  await waitMirrored('team/app', signed);
  t.is(await hostPull('team/app:v1'), 'accepted');
  t.regex(log, /"msg":"imported"/);

  // 2. An image sigmirror has no signatures for is refused.
  await push('unsigned', 'team/unsigned:v1', false);
  t.regex(await hostPull('team/unsigned:v1'), /A signature was required, but no signature exists/);

  // 3. A tampered signature is refused.
  const victim = await push('victim', 'team/victim:v1', true);
  await waitFor(
    'the victim import',
    async () => {
      try {
        await readFile(`${h}/sm/store/${reg}/team/victim@${victim.replace(':', '=')}/signature-1`);
        return true;
      } catch {
        return false;
      }
    },
    60_000,
  );
  const stored = `${h}/sm/store/${reg}/team/victim@${victim.replace(':', '=')}/signature-1`;
  const bytes = await readFile(stored);
  const at = bytes.length - 10;
  bytes.writeUInt8(bytes.readUInt8(at) ^ 0xff, at);
  await writeFile(stored, bytes);
  t.regex(await hostPull('team/victim:v1'), /Source image rejected/);

  // 4. A signature PUT through the signatures API is served to hosts.
  const later = await push('later', 'team/later:v1', false);
  await sh('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${reg}/team/later:v1`]).then((m) =>
    writeFile(`${h}/later.manifest`, m),
  );
  await sh(
    'skopeo',
    ['standalone-sign', '-o', `${h}/later.sig`, `${h}/later.manifest`, `${reg}/team/later:v1`, fpr],
    env,
  );
  const put = await fetch(`${sm}/extensions/v2/${reg}/team/later/signatures/${later}`, {
    method: 'PUT',
    headers: { authorization: 'Bearer sign-token', 'content-type': 'application/json' },
    body: JSON.stringify({
      schemaVersion: 2,
      type: 'atomic',
      name: `${later}@${'f'.repeat(32)}`,
      content: (await readFile(`${h}/later.sig`)).toString('base64'),
    }),
  });
  t.is(put.status, 201, await put.clone().text());
  t.is(await hostPull('team/later:v1'), 'accepted');
});
