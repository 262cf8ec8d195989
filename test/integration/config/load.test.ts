import path from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { INSTALL_DIR, loadDaemonConfig } from '../../../src/config/index.js';
import { tempDir, writeTree } from '../../helpers/tmp.js';

async function configFile(t: Parameters<typeof tempDir>[0], text: string): Promise<string> {
  const dir = await tempDir(t);
  await writeTree(dir, { 'sigmirror.yaml': text });
  return path.join(dir, 'sigmirror.yaml');
}

/** The checkout this test runs from: the installation. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, '');

test('no file named: the embedded default, its paths relative to the installation', (t) => {
  t.is(INSTALL_DIR, ROOT);
  const { config, source, base } = loadDaemonConfig(undefined, { SIGMIRROR_CONFIG: undefined });
  t.is(source, path.join(ROOT, 'config/sigmirror.yaml'));
  t.is(base, ROOT);
  t.is(config.store.path, path.join(ROOT, 'var/store'));
  t.is(config.registriesDir, path.join(ROOT, 'config/registries.d'));
  t.deepEqual(config.certsDirs, ['/etc/containers/certs.d', '/etc/docker/certs.d']);
  t.is(config.redis.url, undefined);
  t.deepEqual(config.import, {
    caBundles: ['/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem', '/etc/ssl/certs/ca-certificates.crt'],
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
    SIGMIRROR_STORE_GROUP_COMMIT: 'true',
  });
  t.is(source, file);
  t.true(config.store.groupCommit);
  t.is(config.listen.port, 9100);
  t.is(config.redis.url, 'redis://b:2');
  t.false(config.auth.anonymousRead);
  t.false(loadDaemonConfig(undefined, {}).config.store.groupCommit, 'off by default');
});

test('a bad override is reported like a bad file value', (t) => {
  t.throws(() => loadDaemonConfig(undefined, { SIGMIRROR_LISTEN_PORT: 'eighty' }), {
    message: /listen\.port: Invalid input: expected number, received NaN/,
  });
});

test('the embedded default does not depend on the working directory; variables and named files do', async (t) => {
  const here = process.cwd();
  const elsewhere = await tempDir(t);
  try {
    process.chdir(elsewhere);
    const embedded = loadDaemonConfig(undefined, { SIGMIRROR_STORE_PATH: 'mine/store' });
    t.is(
      embedded.config.store.path,
      'mine/store',
      'a variable is taken as given (relative to the working directory)',
    );
    t.is(embedded.config.registriesDir, path.join(ROOT, 'config/registries.d'));
    const file = await configFile(t, 'store:\n  path: ./var/store\n');
    const named = loadDaemonConfig(file, {});
    t.is(named.config.store.path, './var/store');
    t.is(named.base, undefined);
  } finally {
    process.chdir(here);
  }
});

test('a file with several mistakes reports every one, each with its line, in line order', async (t) => {
  const file = await configFile(
    t,
    [
      'listen:', //                1
      '  prot: 80', //             2  unknown key
      '  hots: x', //              3  unknown key
      'store:', //                 4
      '  path: 7', //              5  wrong type
      'import:', //                6
      '  concurrency: many', //    7  wrong type
      'bogus: true', //            8  unknown key
      '',
    ].join('\n'),
  );
  const err = t.throws(() => loadDaemonConfig(file, {}));
  t.is(
    err?.message,
    [
      `${file}:2: listen.prot: Unrecognized key: "prot"`,
      `${file}:3: listen.hots: Unrecognized key: "hots"`,
      `${file}:5: store.path: Invalid input: expected string, received number`,
      `${file}:7: import.concurrency: Invalid input: expected number, received string`,
      `${file}:8: bogus: Unrecognized key: "bogus"`,
    ].join('\n'),
  );
});

test('several YAML syntax errors are all reported with their lines', async (t) => {
  const file = await configFile(t, 'redis:\n  prefix: a\n  prefix: b\nlisten:\n  port: 1\n  port: 2\n');
  const err = t.throws(() => loadDaemonConfig(file, {}));
  const lines = err!.message.split('\n');
  t.is(lines.length, 2, err!.message);
  t.regex(lines[0]!, new RegExp(`^${file}:3: invalid YAML: Map keys must be unique`));
  t.regex(lines[1]!, new RegExp(`^${file}:6: invalid YAML: Map keys must be unique`));
});
