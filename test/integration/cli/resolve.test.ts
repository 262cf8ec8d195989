import path from 'node:path';
import test from 'ava';
import { sigmirror } from '../../helpers/cli.js';
import { tempDir, writeTree } from '../../helpers/tmp.js';

const HEX = 'd'.repeat(64);

test('resolve --json prints both decisions with files and the signature base', async (t) => {
  const dir = await tempDir(t);
  await writeTree(dir, {
    'a.yaml': 'docker:\n  reg.example.com:5000/ns:\n    lookaside: https://sig.example.com/store\n',
    'b.yaml': `docker:\n  reg.example.com:5000/ns/app@sha256:${HEX}:\n    lookaside-staging: file:///srv/staging\ndefault-docker:\n  use-sigstore-attachments: true\n`,
  });
  const r = sigmirror([
    'resolve',
    `reg.example.com:5000/ns/app@sha256:${HEX}`,
    '--registries-dir',
    dir,
    '--json',
  ]);
  t.is(r.code, 0, r.stderr);
  t.deepEqual(JSON.parse(r.stdout), {
    reference: `reg.example.com:5000/ns/app@sha256:${HEX}`,
    scope: 'reg.example.com:5000/ns',
    file: path.join(dir, 'a.yaml'),
    lookaside: 'https://sig.example.com/store',
    writeScope: `reg.example.com:5000/ns/app@sha256:${HEX}`,
    writeFile: path.join(dir, 'b.yaml'),
    lookasideStaging: 'file:///srv/staging',
    signatureBase: 'https://sig.example.com/store/ns/app',
    writeSignatureBase: 'file:///srv/staging/ns/app',
    useSigstoreAttachments: true,
    errors: [],
  });
});

test('resolve prints a readable summary by default', async (t) => {
  const dir = await tempDir(t);
  await writeTree(dir, {
    'a.yaml': 'docker:\n  docker.io/library:\n    lookaside: https://hub-sigs.example\n',
  });
  const r = sigmirror(['resolve', 'busybox', '--registries-dir', dir]);
  t.is(r.code, 0);
  t.is(
    r.stdout,
    [
      'reference:                docker.io/library/busybox',
      `read:                     https://hub-sigs.example  [scope docker.io/library (${dir}/a.yaml)]`,
      'signature base:           https://hub-sigs.example/library/busybox',
      `write:                    https://hub-sigs.example  [scope docker.io/library (${dir}/a.yaml)]`,
      'use-sigstore-attachments: false',
      '',
    ].join('\n'),
  );
});

test('an invalid reference exits 2 with the reason', async (t) => {
  const dir = await tempDir(t);
  const r = sigmirror(['resolve', 'Bad/Name', '--registries-dir', dir]);
  t.is(r.code, 2);
  t.is(
    r.stderr,
    'sigmirror: invalid reference "Bad/Name": invalid reference format: repository name must be lowercase\n',
  );
});

test('an invalid directory exits 1 listing the errors; warnings go to stderr', async (t) => {
  const dir = await tempDir(t);
  await writeTree(dir, {
    'a.yaml': 'docker:\n  x.io:\n    lookaside: https://a\n    lookasid: typo\n',
    'b.yaml': 'docker:\n  x.io:\n    lookaside: https://b\n',
  });
  const r = sigmirror(['resolve', 'x.io/app', '--registries-dir', dir]);
  t.is(r.code, 1);
  t.is(r.stdout, '');
  t.is(
    r.stderr,
    `sigmirror: warning: ${dir}/a.yaml:4: unknown key "lookasid" in docker.x.io is ignored (did you mean "lookaside"?)\n` +
      `sigmirror: registries.d is invalid:\n${dir}/b.yaml:2: Error parsing signature storage configuration: "docker" namespace "x.io" defined both in "${dir}/a.yaml" (line 2) and "${dir}/b.yaml" (line 2)\n`,
  );
});

test('resolve --check lists every error and exits 1; a valid directory exits 0', async (t) => {
  const dir = await tempDir(t);
  await writeTree(dir, {
    'a.yaml': 'docker:\n  x.io:\n    lookaside: [1]\n',
    'b.yaml': 'default-docker: {lookaside: "a"\n',
  });
  const r = sigmirror(['resolve', '--check', '--registries-dir', dir, '--json']);
  t.is(r.code, 1);
  const report = JSON.parse(r.stdout) as { valid: boolean; errors: string[] };
  t.false(report.valid);
  t.is(report.errors.length, 2);
  t.is(report.errors[0], `${dir}/a.yaml:3: docker.x.io.lookaside: expected a string (URL)`);
  t.regex(report.errors[1]!, new RegExp(`^${dir}/b\\.yaml:\\d+: invalid YAML: `));
  const good = await tempDir(t);
  const ok = sigmirror(['resolve', '--check', '--registries-dir', good]);
  t.is(ok.code, 0);
  t.is(ok.stdout, `${good}: valid\n`);
});

test('an unusable URL for the reference prints the resolution and exits 1 with the reason', async (t) => {
  const dir = await tempDir(t);
  await writeTree(dir, { 'a.yaml': 'docker:\n  x.io:\n    lookaside: "http://h:bad/"\n' });
  const r = sigmirror(['resolve', 'x.io/app', '--registries-dir', dir, '--json']);
  t.is(r.code, 1);
  t.is(JSON.parse(r.stdout).signatureBase, null);
  const [warning, error] = r.stderr
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as unknown);
  t.like(warning, {
    warning: {
      message: `${dir}/a.yaml:2: scope "x.io" lookaside: Invalid signature storage URL http://h:bad/: parse "http://h:bad/": invalid port ":bad" after host (references using this scope will fail)`,
    },
  });
  t.deepEqual(error, {
    error: {
      code: 'LOOKASIDE_UNUSABLE',
      message:
        'Invalid signature storage URL http://h:bad/: parse "http://h:bad/": invalid port ":bad" after host',
    },
  });
  const text = sigmirror(['resolve', 'x.io/app', '--registries-dir', dir]);
  t.is(text.code, 1);
  t.true(
    text.stderr.endsWith(
      'sigmirror: Invalid signature storage URL http://h:bad/: parse "http://h:bad/": invalid port ":bad" after host\n',
    ),
  );
});

test('without --registries-dir, the daemon config names the directory', async (t) => {
  const dir = await tempDir(t);
  await writeTree(dir, {
    'rd/a.yaml': 'docker:\n  x.io:\n    lookaside: https://from-config\n',
    'sigmirror.yaml': `registriesDir: ${dir}/rd\n`,
  });
  const r = sigmirror(['resolve', 'x.io/app', '--json', '--config', path.join(dir, 'sigmirror.yaml')]);
  t.is(r.code, 0, r.stderr);
  t.is(JSON.parse(r.stdout).lookaside, 'https://from-config');
});

test('--help lists the commands', (t) => {
  const r = sigmirror(['--help']);
  t.is(r.code, 0);
  t.regex(r.stdout, /resolve \[options\] \[reference\]/);
  t.regex(r.stdout, /serve \[options\]/);
});
