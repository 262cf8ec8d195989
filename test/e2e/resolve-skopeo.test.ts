/**
 * Interop: for several registries.d layouts, real skopeo 1.9.3 shows where it writes signatures
 * (`copy --sign-by` into file:// staging scopes) and where it reads them (`copy` to dir: copies
 * the signature a marker lookaside holds), and `sigmirror resolve` must have chosen the same.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { needs } from '../helpers/needs.js';
import { parseNormalizedReference } from '../../src/reference/index.js';
import { loadRegistriesDir, resolveReference } from '../../src/registries/index.js';
import { ACCEPT_ANYTHING_POLICY, gpgKey, ociImage, sh, startRegistry } from '../helpers/real-clients.js';
import { tempDir } from '../helpers/tmp.js';

const withGpg = await needs({ tools: ['skopeo', 'docker-registry', 'gpg'] });
const withSkopeo = await needs({ tools: ['skopeo', 'docker-registry'] });

/** A layout: scope → which keys it sets; each URL is file://<root>/<label>. */
type Layout = Record<
  string,
  Partial<Record<'lookaside' | 'lookaside-staging' | 'sigstore' | 'sigstore-staging', string>>
>;

function layoutYaml(layout: Layout, root: string, reg: string): string {
  const lines = ['docker:'];
  let dd = '';
  for (const [scope, keys] of Object.entries(layout)) {
    const body = Object.entries(keys)
      .map(([k, label]) => `    ${k}: file://${root}/${label}\n`)
      .join('');
    if (scope === 'default-docker') dd = `default-docker:\n${body.replace(/^ {2}/gm, '')}`;
    else lines.push(`  "${scope.replace('REG', reg)}":\n${body.trimEnd()}`);
  }
  return `${dd}${lines.join('\n')}\n`;
}

const LAYOUTS: Array<{ name: string; layout: Layout; refs: string[] }> = [
  {
    name: 'the spec worked example',
    layout: {
      REG: { lookaside: 'H' },
      'REG/a': { sigstore: 'A' },
      'REG/a/b': { lookaside: 'AB' },
      'REG/a/b/c:t2': { lookaside: 'T2' },
      'default-docker': { lookaside: 'D' },
    },
    refs: ['REG/a/b/c:t2', 'REG/a/b/c:t1', 'REG/a/bc:t', 'REG/y:t'],
  },
  {
    name: 'wildcards on an IP host, default-docker and staging keys',
    layout: {
      '*.0.1': { lookaside: 'W01', 'sigstore-staging': 'W01SS' },
      '*.0.0.1': { 'lookaside-staging': 'W001LS' },
      'REG/q': { 'lookaside-staging': 'QLS', 'sigstore-staging': 'QSS', sigstore: 'QS' },
      'default-docker': { lookaside: 'D', 'lookaside-staging': 'DLS' },
    },
    refs: ['REG/y:t', 'REG/q/r:t', 'REG/q:t'],
  },
  {
    name: 'identity scopes by digest and skipped scopes',
    layout: {
      'REG/a/b@DIGEST': { lookaside: 'IDENT' },
      'REG/a/b': { 'sigstore-staging': 'ABSS' },
      'REG/a': { lookaside: 'A' },
    },
    refs: ['REG/a/b@DIGEST', 'REG/a/b:t'],
  },
];

withGpg('sigmirror resolve chooses the lookaside skopeo reads and writes', async (t) => {
  t.timeout(180_000);
  const h = await tempDir(t, 'sigmirror-e2e-');
  const reg = await startRegistry(t, path.join(h, 'registry'));
  const { env, fpr } = await gpgKey(path.join(h, 'gnupg'));
  await ociImage(path.join(h, 'oci'), 'resolve interop');
  const policy = path.join(h, 'policy.json');
  await writeFile(policy, ACCEPT_ANYTHING_POLICY);
  const skopeo = (rd: string, ...args: string[]) =>
    sh('skopeo', ['--policy', policy, '--registries.d', rd, ...args], env);
  // skopeo compresses the layer on push, so the registry's digest is the one to use.
  await skopeo(h, 'copy', '-q', '--dest-tls-verify=false', `oci:${h}/oci:latest`, `docker://${reg}/seed:t`);
  const digest = (
    await skopeo(h, 'inspect', '--tls-verify=false', '--format', '{{.Digest}}', `docker://${reg}/seed:t`)
  ).trim();

  for (const { name, layout, refs } of LAYOUTS) {
    const root = path.join(h, name.replace(/\W+/g, '-'));
    const rd = path.join(root, 'registries.d');
    await mkdir(rd, { recursive: true });
    await writeFile(path.join(rd, 'layout.yaml'), layoutYaml(layout, root, reg).replaceAll('DIGEST', digest));
    const loaded = await loadRegistriesDir(rd);
    t.deepEqual(loaded.errors, [], name);
    const hex = digest.slice('sha256:'.length);

    for (const refTemplate of refs) {
      const ref = refTemplate.replace('REG', reg).replace('DIGEST', digest);
      const resolution = resolveReference(
        loaded.config!,
        parseNormalizedReference(ref),
        'file:///nonexistent-builtin',
      );
      const pushRef = ref.includes('@') ? ref.replace(/@.*/, ':for-digest') : ref;

      // Write: skopeo signs while pushing; the signature lands where registries.d says to write.
      await skopeo(
        rd,
        'copy',
        '-q',
        '--dest-tls-verify=false',
        '--sign-by',
        fpr,
        `oci:${h}/oci:latest`,
        `docker://${pushRef}`,
      );
      if (!ref.includes('@')) {
        const written = `${new URL(resolution.writeSignatureBase!).pathname}@sha256=${hex}/signature-1`;
        t.true(
          existsSync(written),
          `${name}: ${ref}: skopeo wrote into ${resolution.writeScope} (${written})`,
        );
        await rm(written);
      }

      // Read: every configured location holds a marker naming itself; skopeo copies the one it reads.
      for (const label of new Set(Object.values(layout).flatMap((keys) => Object.values(keys)))) {
        const sigDir = path.join(root, label, `${parseNormalizedReference(ref).path}@sha256=${hex}`);
        await mkdir(sigDir, { recursive: true });
        await signMarker(env, label, path.join(sigDir, 'signature-1'));
      }
      const out = path.join(root, 'pulled');
      await rm(out, { recursive: true, force: true });
      await skopeo(rd, 'copy', '-q', '--src-tls-verify=false', `docker://${ref}`, `dir:${out}`);
      const readLabel = await markerLabel(env, path.join(out, 'signature-1'));
      t.is(
        `file://${root}/${readLabel}`,
        resolution.lookaside,
        `${name}: ${ref}: skopeo read ${readLabel}, resolve chose ${resolution.scope}`,
      );
    }
  }
});

/** A real signed message whose literal data names the location (skopeo rejects non-OpenPGP bytes). */
async function signMarker(env: NodeJS.ProcessEnv, label: string, file: string): Promise<void> {
  const input = `${file}.txt`;
  await writeFile(input, `marker:${label}`);
  await sh('gpg', ['--batch', '--yes', '-o', file, '--sign', input], env);
  await rm(input);
}

async function markerLabel(env: NodeJS.ProcessEnv, file: string): Promise<string> {
  await readFile(file); // must exist: skopeo copied a signature
  const text = await sh('gpg', ['--batch', '--decrypt', file], env);
  return text.replace(/^marker:/, '');
}

/** Directories skopeo rejects (sigmirror must too) and lenient ones it accepts (sigmirror too). */
const VALIDITY: Array<{ name: string; files: Record<string, string>; valid: boolean }> = [
  {
    name: 'duplicate scope',
    files: {
      'a.yaml': 'docker:\n  x.io:\n    lookaside: file:///a\n',
      'b.yaml': 'docker:\n  x.io:\n    lookaside: file:///b\n',
    },
    valid: false,
  },
  {
    name: 'duplicate default-docker',
    files: {
      'a.yaml': 'default-docker:\n  lookaside: file:///a\n',
      'b.yaml': 'default-docker:\n  lookaside: file:///b\n',
    },
    valid: false,
  },
  { name: 'invalid YAML', files: { 'a.yaml': 'docker:\n  x.io:\n    lookaside: [oops\n' }, valid: false },
  { name: 'a list for a URL', files: { 'a.yaml': 'docker:\n  x.io:\n    lookaside: [a]\n' }, valid: false },
  {
    name: 'a quoted "true" bool',
    files: { 'a.yaml': 'docker:\n  x.io:\n    use-sigstore-attachments: "true"\n' },
    valid: false,
  },
  {
    name: 'unknown keys, YAML 1.1 bool, numbers, null scope',
    files: {
      'a.yaml':
        'docker:\n  x.io:\n    lookasid: file:///a\n    use-sigstore-attachments: yes\n  y.io:\n  z.io:\n    lookaside: 42\nextra: 1\n',
    },
    valid: true,
  },
  { name: '.yml files are ignored', files: { 'a.yml': 'docker: [broken\n' }, valid: true },
];

withSkopeo('sigmirror rejects exactly the registries.d directories skopeo rejects', async (t) => {
  t.timeout(120_000);
  const h = await tempDir(t, 'sigmirror-e2e-');
  const reg = await startRegistry(t, path.join(h, 'registry'));
  await ociImage(path.join(h, 'oci'), 'validity interop');
  const policy = path.join(h, 'policy.json');
  await writeFile(policy, ACCEPT_ANYTHING_POLICY);
  await sh('skopeo', [
    '--policy',
    policy,
    'copy',
    '-q',
    '--dest-tls-verify=false',
    `oci:${h}/oci:latest`,
    `docker://${reg}/seed:t`,
  ]);
  for (const [i, { name, files, valid }] of VALIDITY.entries()) {
    const rd = path.join(h, `rd-${i}`);
    await mkdir(rd);
    for (const [file, text] of Object.entries(files)) await writeFile(path.join(rd, file), text);
    const skopeoAccepts = await sh('skopeo', [
      '--policy',
      policy,
      '--registries.d',
      rd,
      'copy',
      '-q',
      '--src-tls-verify=false',
      `docker://${reg}/seed:t`,
      `dir:${h}/out-${i}`,
    ]).then(
      () => true,
      () => false,
    );
    const sigmirror = await loadRegistriesDir(rd);
    t.is(skopeoAccepts, valid, `${name}: skopeo`);
    t.is(
      sigmirror.errors.length === 0,
      valid,
      `${name}: sigmirror (${sigmirror.errors.map((e) => e.message).join('; ')})`,
    );
  }
});
