import path from 'node:path';
import test from 'ava';
import { loadDaemonConfig } from '../../../src/config/index.js';
import { tempDir, writeTree } from '../../helpers/tmp.js';

async function configFile(t: Parameters<typeof tempDir>[0], text: string): Promise<string> {
  const dir = await tempDir(t);
  await writeTree(dir, { 'sigmirror.yaml': text });
  return path.join(dir, 'sigmirror.yaml');
}

test('no file at all: the embedded defaults', (t) => {
  const { config, source } = loadDaemonConfig(undefined, { SIGMIRROR_CONFIG: undefined });
  t.is(source, 'config/sigmirror.yaml'); // the repository's embedded default exists
  t.is(config.store.path, './var/store');
  t.is(config.registriesDir, './config/registries.d');
  t.is(config.redis.url, undefined);
  t.deepEqual(config.import, {
    concurrency: 8,
    perHostConcurrency: 8,
    maxSignatures: 127,
    maxSignatureBytes: 4194304,
    timeoutMs: 30000,
    attempts: 5,
    treat403AsMissing: [],
    crossHostRedirects: [],
    recheckDelaysMs: [10_000, 60_000, 600_000, 3_600_000],
    resyncIntervalMs: 86_400_000,
    resyncSpacingMs: 1_000,
    lockDurationMs: 30_000,
  });
  t.true(config.auth.anonymousRead);
});

test('an empty file is all defaults', async (t) => {
  const file = await configFile(t, '# nothing\n');
  t.is(loadDaemonConfig(file, {}).config.listen.port, 8080);
});

test('an unknown key fails with file, line and key path', async (t) => {
  const file = await configFile(t, 'listen:\n  host: 0.0.0.0\n  prot: 80\n');
  t.throws(() => loadDaemonConfig(file, {}), { message: `${file}:3: listen.prot: Unrecognized key: "prot"` });
});

test('a wrong type fails with file, line, key path and what was expected', async (t) => {
  const file = await configFile(t, 'import:\n  concurrency: many\n');
  t.throws(() => loadDaemonConfig(file, {}), {
    message: `${file}:2: import.concurrency: Invalid input: expected number, received string`,
  });
});

test('invalid YAML fails with file and line', async (t) => {
  const file = await configFile(t, 'redis:\n  url: [x\n');
  t.throws(() => loadDaemonConfig(file, {}), { message: new RegExp(`^${file}:\\d+: invalid YAML: `) });
});

test('a missing explicit file is an error naming it', (t) => {
  t.throws(() => loadDaemonConfig('/nonexistent/sigmirror.yaml', {}), {
    message: '/nonexistent/sigmirror.yaml: cannot read config: ENOENT',
  });
});

test('SIGMIRROR_CONFIG names the file; SIGMIRROR_* variables override single keys', async (t) => {
  const file = await configFile(t, 'listen:\n  port: 9000\nredis:\n  url: redis://a:1\n');
  const { config, source } = loadDaemonConfig(undefined, {
    SIGMIRROR_CONFIG: file,
    SIGMIRROR_LISTEN_PORT: '9100',
    SIGMIRROR_REDIS_URL: 'redis://b:2',
    SIGMIRROR_ANONYMOUS_READ: 'false',
  });
  t.is(source, file);
  t.is(config.listen.port, 9100);
  t.is(config.redis.url, 'redis://b:2');
  t.false(config.auth.anonymousRead);
});

test('a bad override is reported like a bad file value', (t) => {
  t.throws(() => loadDaemonConfig(undefined, { SIGMIRROR_LISTEN_PORT: 'eighty' }), {
    message: /listen\.port: Invalid input: expected number, received NaN/,
  });
});
