/**
 * `sigmirror policy check` against the real host: for a table of policy.json files, its verdict
 * must equal skopeo's (`skopeo copy --policy P` succeeds or is refused) for the same image and
 * the same signatures. skopeo pushes and signs images into a local registry and a file:// lookaside;
 * the signatures go into a sigmirror fs store, and skopeo then reads them from that store (it is a
 * lookaside tree), so both sides judge exactly the same bytes.
 */
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { needs } from '../helpers/needs.js';
import { createFsStore, type ImageKey } from '../../src/store/index.js';
import { sigmirrorAsync } from '../helpers/cli.js';
import { ACCEPT_ANYTHING_POLICY, gpgKey, ociImage, sh, startRegistry } from '../helpers/real-clients.js';
import { tempDir, writeTree } from '../helpers/tmp.js';

const test = await needs({ tools: ['docker-registry', 'gpg', 'skopeo'] });

type Verdict = 'allowed' | 'denied' | 'invalid';

interface Case {
  readonly name: string;
  /** A policy object, or raw text for invalid files. */
  readonly policy: object | string;
  readonly image: 'app' | 'unsigned' | 'mirror' | 'multi';
  /** Pull by this tag instead of by digest. */
  readonly tag?: string;
  /** Working directory of both tools (relative key paths). */
  readonly cwd?: string;
  readonly expect: Verdict;
  /** The host's reason ("Source image rejected: …") must equal sigmirror's. */
  readonly sameReason?: boolean;
}

/** Runs a command; resolves with its exit code and output whatever the code. */
function run(cmd: string, args: string[], cwd?: string, env: NodeJS.ProcessEnv = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(cmd, args, { cwd, env: { ...process.env, ...env } }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

test('policy check verdicts equal skopeo copy --policy on the same signatures', async (t) => {
  t.timeout(300_000);
  const h = await tempDir(t, 'sigmirror-policy-e2e-');
  const a = await gpgKey(path.join(h, 'gnupg-a'), 'signer a');
  const b = await gpgKey(path.join(h, 'gnupg-b'), 'signer b');
  await mkdir(path.join(h, 'keys'));
  await sh('gpg', ['--export', '-o', path.join(h, 'keys/a.gpg'), a.fpr], a.env);
  await sh('gpg', ['--export', '-o', path.join(h, 'keys/b.gpg'), b.fpr], b.env);
  const reg = await startRegistry(t, path.join(h, 'registry'));
  await writeTree(h, {
    'push-rd/r.yaml': `docker:\n  ${reg}:\n    lookaside: file://${h}/upstream\n    lookaside-staging: file://${h}/upstream\n`,
    'accept.json': ACCEPT_ANYTHING_POLICY,
    'host-rd/r.yaml': `docker:\n  ${reg}:\n    lookaside: file://${h}/store/${reg}\n`,
  });

  // Publisher: push (optionally signing with key a), then the registry's digest.
  const push = async (name: string, repo: string, sign: boolean) => {
    await ociImage(path.join(h, `oci-${name}`), `image ${name}`);
    await sh(
      'skopeo',
      [
        ...['--policy', `${h}/accept.json`, '--registries.d', `${h}/push-rd`, 'copy', '-q'],
        ...['--dest-tls-verify=false', ...(sign ? ['--sign-by', a.fpr] : [])],
        ...[`oci:${h}/oci-${name}:latest`, `docker://${reg}/${repo}`],
      ],
      a.env,
    );
    const inspect = ['inspect', '--tls-verify=false', '--format', '{{.Digest}}', `docker://${reg}/${repo}`];
    return (await sh('skopeo', inspect)).trim();
  };
  /** A detached signature for `identity` by `key`, as `skopeo standalone-sign` makes it. */
  const standaloneSign = async (repoTag: string, identity: string, key: typeof a) => {
    const manifest = path.join(h, `${repoTag.replace(/\W/g, '-')}.manifest`);
    await writeFile(
      manifest,
      await sh('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${reg}/${repoTag}`]),
    );
    const out = `${manifest}.${key.fpr}.sig`;
    await sh('skopeo', ['standalone-sign', '-o', out, manifest, identity, key.fpr], key.env);
    return new Uint8Array(await readFile(out));
  };
  const upstreamSignatures = async (repo: string, digest: string) => {
    const dir = path.join(h, 'upstream', `${repo}@${digest.replace(':', '=')}`);
    const names = (await readdir(dir)).filter((n) => n.startsWith('signature-')).sort();
    return Promise.all(names.map(async (n) => new Uint8Array(await readFile(path.join(dir, n)))));
  };

  const digests = {
    app: await push('app', 'team/app:v1', true),
    unsigned: await push('unsigned', 'team/unsigned:v1', false),
    mirror: await push('mirror', 'mirror/app:v1', false),
    multi: await push('multi', 'team/multi:v1', true),
  };
  await push('app', 'team/app:v2', false); // the same manifest under another tag, not signed for it
  const repos = { app: 'team/app', unsigned: 'team/unsigned', mirror: 'mirror/app', multi: 'team/multi' };

  // sigmirror's store: what was signed at push, plus detached signatures.
  const store = createFsStore({ root: path.join(h, 'store') });
  const key = (image: keyof typeof repos): ImageKey => ({
    registry: reg,
    repository: repos[image],
    digest: digests[image],
  });
  const add = (image: keyof typeof repos, bytes: Uint8Array[]) =>
    store.append(
      key(image),
      bytes.map((b) => ({ bytes: b })),
      { origin: 'import' },
    );
  await add('app', await upstreamSignatures('team/app', digests.app));
  await add('mirror', [await standaloneSign('mirror/app:v1', 'registry.example.com/prod/app:v1', a)]);
  await add('multi', [
    ...(await upstreamSignatures('team/multi', digests.multi)),
    await standaloneSign('team/multi:v1', `${reg}/team/multi:v1`, b),
  ]);
  await store.close();
  t.is((await upstreamSignatures('team/app', digests.app)).length, 1);

  const keyA = `${h}/keys/a.gpg`;
  const sbA = { type: 'signedBy', keyType: 'GPGKeys', keyPath: keyA };
  const sbB = { type: 'signedBy', keyType: 'GPGKeys', keyPath: `${h}/keys/b.gpg` };
  const keyData = async (file: string) => (await readFile(file)).toString('base64');
  const accept = [{ type: 'insecureAcceptAnything' }];
  const reject = [{ type: 'reject' }];
  const only = (scopes: Record<string, object[]>, fallback = accept) => ({
    default: fallback,
    transports: { docker: scopes },
  });
  const id = (signedIdentity: object) => ({ ...sbA, signedIdentity });
  const appDigestRef = `${reg}/team/app@${digests.app}`;

  const cases: Case[] = [
    { name: 'insecureAcceptAnything', policy: { default: accept }, image: 'app', expect: 'allowed' },
    { name: 'reject', policy: { default: reject }, image: 'app', expect: 'denied', sameReason: true },
    { name: 'signedBy the signing key', policy: { default: [sbA] }, image: 'app', expect: 'allowed' },
    { name: 'signedBy another key', policy: { default: [sbB] }, image: 'app', expect: 'denied' },
    {
      name: 'signedBy keyPaths [other, signing]',
      policy: { default: [{ ...sbA, keyPath: undefined, keyPaths: [`${h}/keys/b.gpg`, keyA] }] },
      image: 'app',
      expect: 'allowed',
    },
    {
      name: 'signedBy keyPaths with a missing file',
      policy: { default: [{ ...sbA, keyPath: undefined, keyPaths: [keyA, `${h}/keys/none.gpg`] }] },
      image: 'app',
      expect: 'denied',
    },
    {
      name: 'signedBy keyData of the signing key',
      policy: { default: [{ ...sbA, keyPath: undefined, keyData: await keyData(keyA) }] },
      image: 'app',
      expect: 'allowed',
    },
    {
      name: 'signedBy keyData of another key',
      policy: { default: [{ ...sbA, keyPath: undefined, keyData: await keyData(`${h}/keys/b.gpg`) }] },
      image: 'app',
      expect: 'denied',
    },
    {
      name: 'relative keyPath, resolved against the working directory',
      policy: { default: [{ ...sbA, keyPath: 'keys/a.gpg' }] },
      image: 'app',
      cwd: h,
      expect: 'allowed',
    },
    {
      // policies/keys/a.gpg exists beside the policy file, keys/keys/a.gpg does not.
      name: 'relative keyPath, not resolved against the policy file',
      policy: { default: [{ ...sbA, keyPath: 'keys/a.gpg' }] },
      image: 'app',
      cwd: path.join(h, 'keys'),
      expect: 'denied',
    },
    { name: 'default identity, by digest', policy: { default: [sbA] }, image: 'app', expect: 'allowed' },
    {
      name: 'default identity, by the signed tag',
      policy: { default: [sbA] },
      image: 'app',
      tag: 'v1',
      expect: 'allowed',
    },
    {
      name: 'default identity, by another tag',
      policy: { default: [sbA] },
      image: 'app',
      tag: 'v2',
      expect: 'denied',
      sameReason: true,
    },
    {
      name: 'matchExact by digest',
      policy: { default: [id({ type: 'matchExact' })] },
      image: 'app',
      expect: 'denied',
      sameReason: true,
    },
    {
      name: 'matchExact by tag',
      policy: { default: [id({ type: 'matchExact' })] },
      image: 'app',
      tag: 'v1',
      expect: 'allowed',
    },
    {
      name: 'matchRepository',
      policy: { default: [id({ type: 'matchRepository' })] },
      image: 'app',
      tag: 'v2',
      expect: 'allowed',
    },
    {
      name: 'exactReference, the signed one',
      policy: { default: [id({ type: 'exactReference', dockerReference: `${reg}/team/app:v1` })] },
      image: 'app',
      expect: 'allowed',
    },
    {
      name: 'exactReference, another tag',
      policy: { default: [id({ type: 'exactReference', dockerReference: `${reg}/team/app:v2` })] },
      image: 'app',
      expect: 'denied',
      sameReason: true,
    },
    {
      name: 'exactRepository, the signed one',
      policy: { default: [id({ type: 'exactRepository', dockerRepository: `${reg}/team/app` })] },
      image: 'app',
      expect: 'allowed',
    },
    {
      name: 'exactRepository, another one',
      policy: { default: [id({ type: 'exactRepository', dockerRepository: `${reg}/team/other` })] },
      image: 'app',
      expect: 'denied',
    },
    {
      name: 'remapIdentity onto the signed registry, by digest',
      policy: {
        default: [
          id({ type: 'remapIdentity', prefix: `${reg}/mirror`, signedPrefix: 'registry.example.com/prod' }),
        ],
      },
      image: 'mirror',
      expect: 'allowed',
    },
    {
      name: 'remapIdentity onto the signed registry, by tag',
      policy: { default: [id({ type: 'remapIdentity', prefix: reg, signedPrefix: 'registry.example.com' })] },
      image: 'mirror',
      tag: 'v1',
      expect: 'denied', // reg/mirror/app → registry.example.com/mirror/app, signed …/prod/app
    },
    {
      name: 'remapIdentity with the repository prefix, by tag',
      policy: {
        default: [
          id({
            type: 'remapIdentity',
            prefix: `${reg}/mirror/app`,
            signedPrefix: 'registry.example.com/prod/app',
          }),
        ],
      },
      image: 'mirror',
      tag: 'v1',
      expect: 'allowed',
    },
    {
      name: 'remapIdentity onto another repository',
      policy: {
        default: [
          id({ type: 'remapIdentity', prefix: `${reg}/mirror`, signedPrefix: 'registry.example.com/other' }),
        ],
      },
      image: 'mirror',
      expect: 'denied',
      sameReason: true,
    },
    {
      name: 'a mirrored image without remapIdentity',
      policy: { default: [sbA] },
      image: 'mirror',
      expect: 'denied',
      sameReason: true,
    },
    {
      name: 'scope: the repository scope beats default',
      policy: only({ [`${reg}/team/app`]: [sbA] }, reject),
      image: 'app',
      expect: 'allowed',
    },
    {
      name: 'scope: the namespace beats host:port',
      policy: only({ [`${reg}/team`]: reject, [reg]: accept }),
      image: 'app',
      expect: 'denied',
      sameReason: true,
    },
    {
      name: 'scope: the digest identity beats the repository',
      policy: only({ [appDigestRef]: accept, [`${reg}/team/app`]: reject }),
      image: 'app',
      expect: 'allowed',
    },
    {
      name: 'scope: the tag identity, pulled by tag',
      policy: only({ [`${reg}/team/app:v1`]: reject }),
      image: 'app',
      tag: 'v1',
      expect: 'denied',
    },
    {
      name: 'scope: the tag identity, pulled by digest',
      policy: only({ [`${reg}/team/app:v1`]: reject }),
      image: 'app',
      expect: 'allowed',
    },
    {
      name: 'scope: the transport default beats default',
      policy: only({ '': reject }),
      image: 'app',
      expect: 'denied',
    },
    {
      name: 'scope: a wildcard over the IP host',
      policy: only({ '*.0.1': reject }),
      image: 'app',
      expect: 'denied',
    },
    {
      name: 'scope: a wildcard beats the transport default',
      policy: only({ '*.0.0.1': accept, '': reject }),
      image: 'app',
      expect: 'allowed',
    },
    {
      name: 'scope: the host without its port is no scope',
      policy: only({ '127.0.0.1': accept }, reject),
      image: 'app',
      expect: 'denied',
    },
    {
      name: 'scope: a sibling repository scope does not apply',
      policy: only({ [`${reg}/team/other`]: accept, [`${reg}/team`]: reject }),
      image: 'app',
      expect: 'denied',
    },
    {
      name: 'AND: accept and reject',
      policy: { default: [...accept, ...reject] },
      image: 'app',
      expect: 'denied',
      sameReason: true,
    },
    {
      name: 'AND: the same key twice',
      policy: { default: [sbA, { ...sbA, keyPath: undefined, keyData: await keyData(keyA) }] },
      image: 'app',
      expect: 'allowed',
    },
    { name: 'AND: two keys, one signature', policy: { default: [sbA, sbB] }, image: 'app', expect: 'denied' },
    {
      name: 'AND: two keys, a signature by each',
      policy: { default: [sbA, sbB] },
      image: 'multi',
      expect: 'allowed',
    },
    {
      name: 'unsigned image, signedBy',
      policy: { default: [sbA] },
      image: 'unsigned',
      expect: 'denied',
      sameReason: true,
    },
    {
      name: 'unsigned image, insecureAcceptAnything',
      policy: { default: accept },
      image: 'unsigned',
      expect: 'allowed',
    },
    {
      name: 'signedBaseLayer',
      policy: { default: [{ type: 'signedBaseLayer', baseLayerIdentity: { type: 'matchRepository' } }] },
      image: 'app',
      expect: 'denied',
      sameReason: true,
    },
    {
      name: 'keyType signedByGPGKeys',
      policy: { default: [{ ...sbA, keyType: 'signedByGPGKeys' }] },
      image: 'app',
      expect: 'denied',
      sameReason: true,
    },
    {
      name: 'sigstoreSigned over simple signatures',
      policy: { default: [{ type: 'sigstoreSigned', keyPath: keyA }] },
      image: 'app',
      expect: 'denied',
    },
    {
      name: 'invalid: unknown key',
      policy: '{"default": [{"type": "reject", "reason": "no"}]}',
      image: 'app',
      expect: 'invalid',
    },
    {
      name: 'invalid: empty list',
      policy: '{"default": [{"type": "reject"}], "transports": {"docker": {"x": []}}}',
      image: 'app',
      expect: 'invalid',
    },
  ];

  await mkdir(path.join(h, 'policies', 'keys'), { recursive: true });
  await writeFile(path.join(h, 'policies', 'keys', 'a.gpg'), await readFile(keyA));
  const outcomes = await mapLimit(cases, 4, async (c, i) => {
    const file = path.join(h, 'policies', `${i}.json`);
    await writeFile(file, typeof c.policy === 'string' ? c.policy : JSON.stringify(c.policy));
    const ref = `${reg}/${repos[c.image]}${c.tag ? `:${c.tag}` : `@${digests[c.image]}`}`;
    const host = await run(
      'skopeo',
      [
        ...['--policy', file, '--registries.d', `${h}/host-rd`, 'copy', '-q', '--src-tls-verify=false'],
        ...[`docker://${ref}`, `dir:${h}/out-${i}`],
      ],
      c.cwd,
    );
    const hostVerdict: Verdict =
      host.code === 0
        ? 'allowed'
        : /invalid policy|Error loading trust policy/.test(host.stderr)
          ? 'invalid'
          : 'denied';
    const hostReason = rejection(host.stderr);
    const sm = await sigmirrorAsync(
      [
        ...['policy', 'check', '--policy', file, '--store-path', `${h}/store`, '--json'],
        ...(c.tag ? ['--tag', c.tag] : []),
        `${reg}/${repos[c.image]}@${digests[c.image]}`,
      ],
      c.cwd ? { cwd: c.cwd } : {},
    );
    const smVerdict: Verdict | string =
      sm.code === 0
        ? 'allowed'
        : sm.code === 1
          ? 'denied'
          : sm.code === 2
            ? 'invalid'
            : `exit ${sm.code}: ${sm.stderr}`;
    const smReason = sm.code === 1 ? (JSON.parse(sm.stdout) as { reason: string }).reason : undefined;
    return { c, hostVerdict, hostReason, host, smVerdict, smReason, sm };
  });

  for (const o of outcomes) {
    const why = `${o.c.name}\nskopeo: ${o.host.stderr.trim()}\nsigmirror: ${o.sm.stdout.trim()} ${o.sm.stderr.trim()}`;
    t.is(o.hostVerdict, o.c.expect, `skopeo, ${why}`);
    t.is(o.smVerdict, o.c.expect, `sigmirror, ${why}`);
    if (o.c.sameReason) t.is(o.smReason, o.hostReason, `reason, ${why}`);
  }
});

/** The reason in skopeo's `level=fatal msg="Source image rejected: …"` (a Go-quoted string). */
function rejection(stderr: string): string | undefined {
  const quoted = /level=fatal msg=("(?:[^"\\]|\\.)*")/.exec(stderr)?.[1];
  const message = quoted === undefined ? undefined : (JSON.parse(quoted) as string);
  return message?.startsWith('Source image rejected: ')
    ? message.slice('Source image rejected: '.length)
    : message;
}

/** Runs `fn` over `items` with at most `limit` at once, keeping the order of results. */
async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await fn(items[i]!, i);
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}
