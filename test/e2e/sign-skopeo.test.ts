/**
 * `sigmirror sign` makes signatures the real skopeo accepts (`skopeo standalone-verify`), with
 * plain and passphrase-protected gpg keys, and `--upload` adds them to a running sigmirror.
 */
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { needs } from '../helpers/needs.js';
import { tokenHash } from '../../src/auth/index.js';
import { CLI_ARGS, sigmirrorAsync } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';
import { gpgKey, sh } from '../helpers/real-clients.js';
import { TEST_REDIS_URL, redisPrefix } from '../helpers/redis.js';
import { tempDir, writeTree } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';

const withSkopeo = await needs({ tools: ['skopeo', 'gpg'] });
const withRedis = await needs({ redis: true, tools: ['gpg'] });

const MANIFEST = '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":[]}';
const DIGEST = 'sha256:' + (await import('node:crypto')).createHash('sha256').update(MANIFEST).digest('hex');
const IDENTITY = 'registry.example.test/ns/app:v1';

withSkopeo('skopeo standalone-verify accepts what sign makes; verify-blob agrees', async (t) => {
  const h = await tempDir(t);
  const { env, fpr } = await gpgKey(path.join(h, 'gnupg'));
  await writeFile(
    path.join(h, 'secret.asc'),
    await sh('gpg', ['--batch', '--armor', '--export-secret-keys', fpr], env),
  );
  await sh('gpg', ['--export', '-o', path.join(h, 'pub.gpg'), fpr], env);
  await writeFile(path.join(h, 'manifest.json'), MANIFEST);
  const signed = await sigmirrorAsync([
    'sign',
    '--key',
    path.join(h, 'secret.asc'),
    '--identity',
    IDENTITY,
    '--manifest',
    path.join(h, 'manifest.json'),
    '-o',
    path.join(h, 'signature-1'),
  ]);
  t.is(signed.code, 0, signed.stderr);
  t.regex(signed.stdout, new RegExp(`^wrote .*signature-1 \\(\\d+ bytes\\) for ${IDENTITY} ${DIGEST}\\n$`));
  const out = await sh(
    'skopeo',
    ['standalone-verify', path.join(h, 'manifest.json'), IDENTITY, fpr, path.join(h, 'signature-1')],
    env,
  );
  t.is(out, `Signature verified, digest ${DIGEST}\n`);
  const wrongIdentity = sh(
    'skopeo',
    [
      'standalone-verify',
      path.join(h, 'manifest.json'),
      'registry.example.test/ns/app:v2',
      fpr,
      path.join(h, 'signature-1'),
    ],
    env,
  );
  await t.throwsAsync(wrongIdentity, {
    message:
      /Docker reference registry.example.test\/ns\/app:v1 does not match registry.example.test\/ns\/app:v2/,
  });
  const blob = await sigmirrorAsync([
    'verify-blob',
    '--signature',
    path.join(h, 'signature-1'),
    '--public-key',
    path.join(h, 'pub.gpg'),
    '--digest',
    DIGEST,
    '--expected-identity',
    IDENTITY,
  ]);
  t.is(blob.code, 0, blob.stderr);
  t.is(blob.stdout, `trusted key ${fpr} identity ${IDENTITY} digest ${DIGEST}\n`);
});

withSkopeo(
  'a passphrase-protected key signs with --passphrase-file and fails clearly without it',
  async (t) => {
    const h = await tempDir(t);
    const home = path.join(h, 'gnupg');
    const { env } = await gpgKey(path.join(h, 'unused'));
    await sh('mkdir', ['-m', '700', home]);
    const penv = { ...env, GNUPGHOME: home };
    await writeFile(
      path.join(h, 'spec'),
      'Key-Type: RSA\nKey-Length: 2048\nName-Real: protected\nName-Email: p@example.test\nPassphrase: s3cret\nExpire-Date: 0\n%commit\n',
    );
    await sh(
      'gpg',
      ['--batch', '--pinentry-mode', 'loopback', '--passphrase', 's3cret', '--gen-key', path.join(h, 'spec')],
      penv,
    );
    const fpr = /^fpr:+([0-9A-F]{40}):/m.exec(await sh('gpg', ['--list-keys', '--with-colons'], penv))![1]!;
    await writeFile(
      path.join(h, 'secret.asc'),
      await sh(
        'gpg',
        [
          '--batch',
          '--pinentry-mode',
          'loopback',
          '--passphrase',
          's3cret',
          '--armor',
          '--export-secret-keys',
          fpr,
        ],
        penv,
      ),
    );
    await writeFile(path.join(h, 'pass'), 's3cret\n');
    await writeFile(path.join(h, 'wrong'), 'nope\n');
    const base = [
      'sign',
      '--key',
      path.join(h, 'secret.asc'),
      '--identity',
      IDENTITY,
      '--digest',
      DIGEST,
      '-o',
      path.join(h, 'sig'),
    ];
    const none = await sigmirrorAsync(base);
    t.is(none.code, 1);
    t.is(none.stderr, 'sigmirror: the private key is protected: give --passphrase-file\n');
    const wrong = await sigmirrorAsync([...base, '--passphrase-file', path.join(h, 'wrong')]);
    t.is(wrong.code, 1);
    t.regex(wrong.stderr, /^sigmirror: cannot unlock the private key: /);
    const ok = await sigmirrorAsync([...base, '--passphrase-file', path.join(h, 'pass')]);
    t.is(ok.code, 0, ok.stderr);
    await writeFile(path.join(h, 'manifest.json'), MANIFEST);
    const out = await sh(
      'skopeo',
      ['standalone-verify', path.join(h, 'manifest.json'), IDENTITY, fpr, path.join(h, 'sig')],
      penv,
    );
    t.is(out, `Signature verified, digest ${DIGEST}\n`);
  },
);

withRedis('--upload adds the signature through the signatures API; the mirror serves it', async (t) => {
  const prefix = await redisPrefix(t);
  const h = await tempDir(t);
  const { env, fpr } = await gpgKey(path.join(h, 'gnupg'));
  await writeFile(
    path.join(h, 'secret.asc'),
    await sh('gpg', ['--batch', '--armor', '--export-secret-keys', fpr], env),
  );
  const port = await freePort();
  await writeTree(h, {
    'rd/.keep': '',
    'signer.token': 'sign-token\n',
    'reader.token': 'read-token\n',
    'tokens.yaml': `tokens:\n  - name: ci\n    sha256: ${tokenHash('sign-token')}\n    roles: [signer]\n  - name: r\n    sha256: ${tokenHash('read-token')}\n    roles: [reader]\n`,
    'sigmirror.yaml': `redis:\n  url: ${TEST_REDIS_URL}\n  prefix: ${prefix}\nregistriesDir: ${h}/rd\nstore:\n  path: ${h}/store\nlisten:\n  host: 127.0.0.1\n  port: ${port}\nauth:\n  tokensFile: ${h}/tokens.yaml\n`,
  });
  const daemon = spawn(
    process.execPath,
    [...CLI_ARGS, 'serve', '--no-workers', '--config', `${h}/sigmirror.yaml`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  daemon.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  t.teardown(() => void daemon.kill('SIGKILL'));
  await waitFor('sigmirror', () => log.includes('sigmirror is running'), 30_000);
  const sm = `http://127.0.0.1:${port}`;
  const base = [
    'sign',
    '--key',
    path.join(h, 'secret.asc'),
    '--identity',
    IDENTITY,
    '--digest',
    DIGEST,
    '-o',
    path.join(h, 'sig'),
    '--upload',
    sm,
  ];
  const denied = await sigmirrorAsync([...base, '--token-file', path.join(h, 'reader.token')]);
  t.is(denied.code, 1);
  t.regex(
    denied.stderr,
    /^sigmirror: upload to http:\/\/127.0.0.1:\d+ failed: HTTP 403 .*lacks the signer role/,
  );
  const up = await sigmirrorAsync([...base, '--token-file', path.join(h, 'signer.token')]);
  t.is(up.code, 0, up.stderr);
  t.regex(
    up.stdout,
    new RegExp(
      `uploaded ${DIGEST}@[0-9a-f]{32} to ${sm}/extensions/v2/registry.example.test/ns/app/signatures/${DIGEST}\\n$`,
    ),
  );
  const served = await fetch(
    `${sm}/sigstore/registry.example.test/ns/app@sha256=${DIGEST.slice(7)}/signature-1`,
  );
  t.is(served.status, 200);
  t.true(Buffer.from(await served.arrayBuffer()).equals(await readFile(path.join(h, 'sig'))));
});
