import path from 'node:path';
import test from 'ava';
import { sigmirror } from '../../helpers/cli.js';
import { tempDir, writeTree } from '../../helpers/tmp.js';

const REF = `quay.io/ns/app@sha256:${'3'.repeat(64)}`;

test('import without a reachable Redis exits 1 saying where it looked', async (t) => {
  const dir = await tempDir(t);
  await writeTree(dir, { 'c.yaml': 'redis:\n  url: redis://127.0.0.1:1\n' });
  const r = sigmirror(['import', REF, '--config', path.join(dir, 'c.yaml')]);
  t.is(r.code, 1);
  t.is(
    r.stderr,
    'sigmirror: no Redis answers at redis://127.0.0.1:1 (prefix sigmirror): start `sigmirror serve` or set redis.url in the config\n',
  );
});

test('import needs references and checks each before enqueueing anything', async (t) => {
  const dir = await tempDir(t);
  await writeTree(dir, { 'list.txt': `# images\n${REF}\n\nquay.io/ns/app:latest\n` });
  const none = sigmirror(['import']);
  t.is(none.code, 2);
  t.is(none.stderr, 'sigmirror: no references given (arguments or --from-file)\n');
  const bad = sigmirror(['import', '--from-file', path.join(dir, 'list.txt')]);
  t.is(bad.code, 2);
  t.regex(bad.stderr, /invalid reference "quay\.io\/ns\/app:latest": .* has no digest/);
  const missing = sigmirror(['import', '--from-file', path.join(dir, 'nope.txt')]);
  t.is(missing.code, 2);
  t.regex(missing.stderr, /cannot read .*nope\.txt: ENOENT/);
});
