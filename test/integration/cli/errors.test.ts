/**
 * One error style for every command: `sigmirror: <message>` on stderr, or with --json one line
 * `{"error": {"code", "message"}}` with a stable code from src/cli/exit-codes.ts; each code is
 * documented in docs/cli.md.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { ERROR_CODES } from '../../../src/cli/exit-codes.js';
import { sigmirror } from '../../helpers/cli.js';
import { tempDir, writeTree } from '../../helpers/tmp.js';

const REF = `quay.io/ns/app@sha256:${'3'.repeat(64)}`;

test('usage errors with --json: code USAGE, exit 2, no help text', (t) => {
  const cases: [string[], string][] = [
    [['nope', '--json'], "unknown command 'nope'"],
    [['images', 'list', '--bogus', '--json'], "unknown option '--bogus'"],
    [['verify', REF, '--json'], "required option '--expected-identity <reference>' not specified"],
    [['serve', '--json'], "unknown option '--json'"],
  ];
  for (const [args, message] of cases) {
    const r = sigmirror(args);
    t.is(r.code, 2, args.join(' '));
    t.is(r.stdout, '');
    t.deepEqual(JSON.parse(r.stderr), { error: { code: 'USAGE', message } }, args.join(' '));
  }
});

test('usage errors without --json keep the text and the help after it', (t) => {
  const r = sigmirror(['images', 'list', '--bogus']);
  t.is(r.code, 2);
  t.true(r.stderr.startsWith("error: unknown option '--bogus'\n"), r.stderr);
  t.true(r.stderr.includes('Usage: sigmirror images list [options]'), r.stderr);
});

test('an invalid config file is CONFIG_INVALID for any command', async (t) => {
  const dir = await tempDir(t);
  await writeTree(dir, { 'bad.yaml': 'store:\n  path: 7\n' });
  const config = path.join(dir, 'bad.yaml');
  const json = sigmirror(['images', 'describe', REF, '--config', config, '--json']);
  t.is(json.code, 1);
  t.deepEqual(JSON.parse(json.stderr), {
    error: {
      code: 'CONFIG_INVALID',
      message: `${config}:2: store.path: Invalid input: expected string, received number`,
    },
  });
  const text = sigmirror(['images', 'describe', REF, '--config', config]);
  t.is(text.stderr, `sigmirror: ${config}:2: store.path: Invalid input: expected string, received number\n`);
});

test('serve with a config file full of mistakes lists each, with its line, and exits 1', async (t) => {
  const dir = await tempDir(t);
  await writeTree(dir, { 'bad.yaml': 'listen:\n  port: "x"\nstore:\n  backend: tape\nnope: 1\n' });
  const file = path.join(dir, 'bad.yaml');
  const r = sigmirror(['serve', '--config', file]);
  t.is(r.code, 1);
  t.is(
    r.stderr,
    [
      `sigmirror: ${file}:2: listen.port: Invalid input: expected number, received string`,
      `${file}:4: store.backend: Invalid option: expected one of "fs"|"redis"`,
      `${file}:5: nope: Unrecognized key: "nope"`,
      '',
    ].join('\n'),
  );
});

test('every error code is documented in docs/cli.md with its exit code', (t) => {
  const doc = readFileSync(new URL('../../../docs/cli.md', import.meta.url), 'utf8');
  const missing = Object.entries(ERROR_CODES)
    .filter(([code, exit]) => !doc.includes(`| \`${code}\` | ${exit} |`))
    .map(([code]) => code);
  t.deepEqual(missing, []);
});
