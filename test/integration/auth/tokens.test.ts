import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { TokenSet, TokensWatcher, tokenHash } from '../../../src/auth/index.js';
import { tempDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/wait.js';

const file = (entries: Array<[string, string, string[]]>) =>
  `tokens:\n${entries.map(([name, token, roles]) => `  - name: ${name}\n    sha256: ${tokenHash(token)}\n    roles: [${roles.join(', ')}]\n`).join('')}`;

test('a token authenticates as its entry; unknown tokens do not', (t) => {
  const set = TokenSet.parse(
    't.yaml',
    file([
      ['ci-signer', 's3cret', ['signer']],
      ['ops', 'adm1n', ['admin', 'auditor']],
    ]),
  );
  t.is(set.size, 2);
  t.deepEqual(set.authenticate('s3cret'), { name: 'ci-signer', roles: new Set(['signer']) });
  t.deepEqual([...set.authenticate('adm1n')!.roles], ['admin', 'auditor']);
  t.is(set.authenticate('S3cret'), undefined);
  t.is(set.authenticate(''), undefined);
  t.regex(tokenHash('s3cret'), /^[a-f0-9]{64}$/);
});

const invalid: Array<[string, string, string]> = [
  [
    'unknown role',
    'tokens:\n  - name: a\n    sha256: ' + 'a'.repeat(64) + '\n    roles: [root]\n',
    't.yaml:4: tokens.0.roles.0: Invalid option: expected one of "reader"|"signer"|"auditor"|"importer"|"admin"',
  ],
  [
    'a token in clear instead of its hash',
    'tokens:\n  - name: a\n    sha256: hunter2\n    roles: [reader]\n',
    't.yaml:3: tokens.0.sha256: expected the sha256 of the token as 64 lowercase hex',
  ],
  [
    'unknown key',
    'tokens:\n  - name: a\n    token: x\n    sha256: ' + 'a'.repeat(64) + '\n    roles: [reader]\n',
    't.yaml:3: tokens.0.token: Unrecognized key: "token"',
  ],
  [
    'duplicate names',
    file([
      ['a', 'x', ['reader']],
      ['a', 'y', ['reader']],
    ]),
    't.yaml:5: duplicate token name "a"',
  ],
];
for (const [name, text, message] of invalid) {
  test(`tokens file rejected: ${name}`, (t) => {
    t.throws(() => TokenSet.parse('t.yaml', text), { message });
  });
}

test('the watcher applies a changed file and keeps the old tokens on a broken edit', async (t) => {
  const dir = await tempDir(t);
  const tokensFile = path.join(dir, 'tokens.yaml');
  await writeFile(tokensFile, file([['a', 'one', ['reader']]]));
  const w = new TokensWatcher(tokensFile);
  t.teardown(() => w.close());
  await w.start();
  t.truthy(w.current().authenticate('one'));
  await writeFile(tokensFile, file([['b', 'two', ['signer']]]));
  await waitFor('reload', () => w.current().authenticate('two'));
  t.is(w.current().authenticate('one'), undefined);
  await writeFile(tokensFile, 'tokens: [oops\n');
  await waitFor('rejected edit', () => w.error());
  t.truthy(w.current().authenticate('two'), 'the previous tokens stay in force');
  t.false(w.error()!.includes('two'));
});

test('a tokens file with several mistakes names every one with its line', (t) => {
  const text = `tokens:\n  - name: a\n    sha256: hunter2\n    roles: [reader]\n  - name: b\n    sha256: ${'b'.repeat(64)}\n    roles: [root]\n  - name: b\n    sha256: ${'c'.repeat(64)}\n    roles: [reader]\n`;
  const err = t.throws(() => TokenSet.parse('t.yaml', text));
  t.is(
    err!.message,
    [
      't.yaml:3: tokens.0.sha256: expected the sha256 of the token as 64 lowercase hex',
      't.yaml:7: tokens.1.roles.0: Invalid option: expected one of "reader"|"signer"|"auditor"|"importer"|"admin"',
    ].join('\n'),
  );
  const dup = t.throws(() =>
    TokenSet.parse('t.yaml', text.replace('hunter2', 'a'.repeat(64)).replace('[root]', '[admin]')),
  );
  t.is(dup!.message, 't.yaml:8: duplicate token name "b"');
});
