/** `sigmirror --version` and `sigmirror version [--json]` print the version of package.json. */
import { readFileSync } from 'node:fs';
import test from 'ava';
import { sigmirror } from '../../helpers/cli.js';

const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

test('--version and -V print the version and exit 0', (t) => {
  for (const flag of ['--version', '-V']) {
    const r = sigmirror([flag]);
    t.is(r.code, 0, flag);
    t.is(r.stdout, `${version}\n`);
    t.is(r.stderr, '');
  }
});

test('version prints it for people, --json for scripts', (t) => {
  const text = sigmirror(['version']);
  t.is(text.code, 0);
  t.is(text.stdout, `sigmirror ${version}\n`);
  const json = sigmirror(['version', '--json']);
  t.is(json.code, 0);
  t.deepEqual(JSON.parse(json.stdout), { name: 'sigmirror', version, node: process.versions.node });
});
