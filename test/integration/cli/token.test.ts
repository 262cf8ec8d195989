import test from 'ava';
import { TokenSet } from '../../../src/auth/index.js';
import { sigmirror } from '../../helpers/cli.js';

test('token create prints a token whose entry authenticates it', (t) => {
  const r = sigmirror(['token', 'create', '--name', 'ci-signer', '--role', 'signer', 'auditor', '--json']);
  t.is(r.code, 0, r.stderr);
  const { token, entry } = JSON.parse(r.stdout) as {
    token: string;
    entry: { name: string; sha256: string; roles: string[] };
  };
  t.regex(token, /^[A-Za-z0-9_-]{43}$/);
  const set = TokenSet.parse(
    't.yaml',
    `tokens:\n  - name: ${entry.name}\n    sha256: ${entry.sha256}\n    roles: [${entry.roles.join(', ')}]\n`,
  );
  t.deepEqual([...set.authenticate(token)!.roles], ['signer', 'auditor']);
});

test('token create rejects unknown roles', (t) => {
  const r = sigmirror(['token', 'create', '--name', 'x', '--role', 'root']);
  t.is(r.code, 2);
  t.is(r.stderr, 'sigmirror: unknown role root (roles: reader, signer, auditor, importer, admin)\n');
});
