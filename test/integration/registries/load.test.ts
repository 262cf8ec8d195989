import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { formatProblem, loadRegistriesDir } from '../../../src/registries/index.js';
import { tempDir, writeTree } from '../../helpers/tmp.js';

async function load(t: Parameters<typeof tempDir>[0], files: Record<string, string>) {
  const dir = await tempDir(t);
  await writeTree(dir, files);
  const result = await loadRegistriesDir(dir);
  const rel = (s: string) => s.split(dir + path.sep).join('');
  return {
    dir,
    result,
    errors: result.errors.map((p) => rel(formatProblem(p))),
    warnings: result.warnings.map((p) => rel(formatProblem(p))),
  };
}

test('a missing directory is an empty configuration', async (t) => {
  const r = await loadRegistriesDir('/nonexistent/registries.d');
  t.deepEqual(r.errors, []);
  t.is(r.config?.scopes.size, 0);
  t.is(r.config?.defaultDocker, undefined);
});

test('only *.yaml entries count: .yml and others are ignored, hidden names are read', async (t) => {
  const { result } = await load(t, {
    'a.yaml': 'docker:\n  a.io:\n    lookaside: https://a\n',
    '.hidden.yaml': 'docker:\n  h.io:\n    lookaside: https://h\n',
    'b.yml': 'docker:\n  b.io:\n    lookaside: https://b\n',
    'c.yaml.bak': 'docker:\n  c.io:\n    lookaside: https://c\n',
    README: 'not yaml: [',
  });
  t.deepEqual([...result.config!.scopes.keys()].sort(), ['a.io', 'h.io']);
});

test('scopes from several files merge; each remembers its file and line', async (t) => {
  const { dir, result } = await load(t, {
    'one.yaml': 'default-docker:\n  lookaside: https://d\ndocker:\n  a.io:\n    lookaside: https://a\n',
    'two.yaml': '# comment\ndocker:\n  b.io/ns:\n    sigstore: https://b\n',
  });
  const b = result.config!.scopes.get('b.io/ns')!;
  t.deepEqual(b, {
    scope: 'b.io/ns',
    file: path.join(dir, 'two.yaml'),
    line: 3,
    ns: { sigstore: 'https://b' },
  });
  t.is(result.config!.defaultDocker!.file, path.join(dir, 'one.yaml'));
  t.is(result.config!.defaultDocker!.line, 1);
});

test('the same scope in two files is an error naming both files and lines', async (t) => {
  const { errors, result } = await load(t, {
    'a.yaml': 'docker:\n  r.io:\n    lookaside: https://a\n',
    'b.yaml': '\n\ndocker:\n  r.io:\n    lookaside: https://b\n',
  });
  t.is(result.config, undefined);
  t.deepEqual(errors, [
    'b.yaml:4: Error parsing signature storage configuration: "docker" namespace "r.io" defined both in "a.yaml" (line 2) and "b.yaml" (line 4)',
  ]);
});

for (const before of ['', 'docker:\n  x.io:\n    lookaside: https://x\n']) {
  const line = before ? 4 : 1; // reported at its own line, wherever it is in the file
  test(`default-docker in two files is an error naming both files (line ${line})`, async (t) => {
    const { errors } = await load(t, {
      'a.yaml': `${before}default-docker:\n  lookaside: https://a\n`,
      'b.yaml': `${before.replace('x.io', 'y.io')}default-docker:\n  lookaside: https://b\n`,
    });
    t.is(errors.length, 1);
    t.is(
      errors[0]!.replace(/"[^"]*\/([ab]\.yaml)"/g, '"$1"'),
      `b.yaml:${line}: Error parsing signature storage configuration: "default-docker" defined both in "a.yaml" (line ${line}) and "b.yaml" (line ${line})`,
    );
  });
}

test('a null default-docker is absent (no duplicate), a null scope is defined', async (t) => {
  const { result, errors } = await load(t, {
    'a.yaml': 'default-docker:\n  lookaside: https://a\n',
    'b.yaml': 'default-docker:\ndocker:\n  r.io:\n',
  });
  t.deepEqual(errors, []);
  t.deepEqual(result.config!.scopes.get('r.io')!.ns, {});
});

test('invalid YAML is an error with its line', async (t) => {
  const { errors } = await load(t, { 'bad.yaml': 'docker:\n  r.io:\n    lookaside: [unclosed\n' });
  t.is(errors.length, 1);
  t.regex(errors[0]!, /^bad\.yaml:\d+: invalid YAML: /);
});

test('duplicate keys within one file are an error (yaml.v3 rejects them too)', async (t) => {
  const { errors } = await load(t, {
    'dup.yaml': 'docker:\n  r.io:\n    lookaside: https://a\n  r.io:\n    lookaside: https://b\n',
  });
  t.regex(errors[0]!, /^dup\.yaml:4: invalid YAML: Map keys must be unique/);
});

const schemaErrors: Array<[string, string, RegExp]> = [
  [
    'a list where a URL belongs',
    'docker:\n  r.io:\n    lookaside: [a, b]\n',
    /^x\.yaml:3: docker\.r\.io\.lookaside: expected a string \(URL\)$/,
  ],
  [
    'a scalar where a scope belongs',
    'docker:\n  r.io: https://a\n',
    /^x\.yaml:2: docker\.r\.io: expected a mapping of lookaside keys$/,
  ],
  [
    'a list as the document',
    '- a\n- b\n',
    /^x\.yaml:1: expected a mapping with "default-docker" and\/or "docker"$/,
  ],
  ['docker as a list', 'docker:\n  - r.io\n', /^x\.yaml:1: docker: expected a mapping of scopes$/],
  [
    'a non-boolean attachments flag',
    'docker:\n  r.io:\n    use-sigstore-attachments: maybe\n',
    /^x\.yaml:3: docker\.r\.io\.use-sigstore-attachments: expected a boolean/,
  ],
  [
    'a quoted "true" (yaml.v3 rejects it for a bool)',
    'docker:\n  r.io:\n    use-sigstore-attachments: "true"\n',
    /expected a boolean/,
  ],
];
for (const [name, text, expected] of schemaErrors) {
  test(`schema error: ${name}`, async (t) => {
    const { errors } = await load(t, { 'x.yaml': text });
    t.is(errors.length, 1);
    t.regex(errors[0]!, expected);
  });
}

test('yaml.v3 leniency: scalars into strings, YAML 1.1 booleans, empty files', async (t) => {
  const { result, errors } = await load(t, {
    'a.yaml':
      'docker:\n  r.io:\n    lookaside: 12345\n    use-sigstore-attachments: yes\n  q.io:\n    use-sigstore-attachments: Off\n',
    'empty.yaml': '',
    'comment.yaml': '# nothing here\n',
  });
  t.deepEqual(errors, []);
  t.deepEqual(result.config!.scopes.get('r.io')!.ns, {
    lookaside: '12345',
    'use-sigstore-attachments': true,
  });
  t.deepEqual(result.config!.scopes.get('q.io')!.ns, { 'use-sigstore-attachments': false });
});

test('unknown keys are accepted with a warning naming file, line and key', async (t) => {
  const { result, errors, warnings } = await load(t, {
    'typo.yaml':
      'docker:\n  r.io:\n    lookasid: https://a\n    sigstore: https://s\ndefault_docker:\n  lookaside: https://d\n',
  });
  t.deepEqual(errors, []);
  t.is(result.config!.scopes.get('r.io')!.ns.sigstore, 'https://s');
  t.deepEqual(warnings, [
    'typo.yaml:5: unknown key "default_docker" is ignored (did you mean "default-docker"?)',
    'typo.yaml:3: unknown key "lookasid" in docker.r.io is ignored (did you mean "lookaside"?)',
  ]);
});

test('an unparsable URL is a warning for the scopes using it, not a directory error', async (t) => {
  const { errors, warnings, result } = await load(t, {
    'u.yaml': 'docker:\n  r.io:\n    lookaside: "http://h:port/x"\n  s.io:\n    lookaside: ftp://h/x\n',
  });
  t.deepEqual(errors, []);
  t.truthy(result.config);
  t.deepEqual(warnings, [
    'u.yaml:2: scope "r.io" lookaside: Invalid signature storage URL http://h:port/x: parse "http://h:port/x": invalid port ":port" after host (references using this scope will fail)',
    'u.yaml:4: scope "s.io" lookaside: Unsupported scheme when reading signature from ftp://h/x (references using this scope will fail)',
  ]);
});

test('a directory named *.yaml is an error (containers/image cannot read it either)', async (t) => {
  const dir = await tempDir(t);
  await mkdir(path.join(dir, 'sub.yaml'));
  const r = await loadRegistriesDir(dir);
  t.is(r.config, undefined);
  t.is(formatProblem(r.errors[0]!), `${path.join(dir, 'sub.yaml')}: cannot read file: EISDIR`);
});

test('YAML anchors and merge keys are expanded', async (t) => {
  const { result, errors } = await load(t, {
    'a.yaml':
      'docker:\n  r.io: &base\n    lookaside: https://a\n  s.io: *base\n  t.io:\n    <<: *base\n    sigstore: https://t\n',
  });
  t.deepEqual(errors, []);
  t.is(result.config!.scopes.get('s.io')!.ns.lookaside, 'https://a');
  t.deepEqual(result.config!.scopes.get('t.io')!.ns, { lookaside: 'https://a', sigstore: 'https://t' });
});

test('default-docker after docker: its entry has its scope, file and line; its keys and URL are checked', async (t) => {
  const { dir, result, warnings } = await load(t, {
    'z.yaml':
      'docker:\n  a.io:\n    lookaside: https://a\ndefault-docker:\n  lookasid: x\n  lookaside: "ftp://d"\nzzzzzz: 1\n',
  });
  t.like(result.config?.defaultDocker, { scope: 'default-docker', file: path.join(dir, 'z.yaml'), line: 4 });
  t.true(
    warnings.includes(
      'z.yaml:5: unknown key "lookasid" in default-docker is ignored (did you mean "lookaside"?)',
    ),
  );
  t.true(warnings.includes('z.yaml:7: unknown key "zzzzzz" is ignored'));
  t.true(
    warnings.some((w) => w.includes('Unsupported scheme when reading signature from ftp://d')),
    warnings.join('\n'),
  );
});

test('files are read in name order, whatever order the directory lists them in', async (t) => {
  const names = Array.from({ length: 40 }, (_, i) => `f${String(39 - i).padStart(2, '0')}.yaml`);
  const files = Object.fromEntries(
    names.map((n) => [n, `docker:\n  ${n.slice(0, 3)}.io:\n    lookaside: https://x\n`]),
  );
  const { dir, result } = await load(t, files);
  t.deepEqual(
    result.config?.files,
    [...names].sort().map((n) => path.join(dir, n)),
  );
});

test('a registries.d path that is a file is an error naming the errno, and nothing is in force', async (t) => {
  const dir = await tempDir(t);
  await writeTree(dir, { 'registries.d': 'not a directory' });
  const r = await loadRegistriesDir(path.join(dir, 'registries.d'));
  t.is(r.config, undefined);
  t.deepEqual(r.errors.map(formatProblem), [
    `${path.join(dir, 'registries.d')}: cannot read directory: ENOTDIR`,
  ]);
});
