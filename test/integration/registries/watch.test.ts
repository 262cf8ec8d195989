import { statSync, utimesSync, writeFileSync } from 'node:fs';
import { mkdir, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { pino, type Logger } from 'pino';
import { RegistriesWatcher } from '../../../src/registries/index.js';
import { capturingLogger } from '../../helpers/log-capture.js';
import { tempDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/wait.js';

const scopeFile = (scope: string, url: string) => `docker:\n  ${scope}:\n    lookaside: ${url}\n`;

/** A watcher on `dir` with events only (no poll backstop), closed after the test. */
async function watcher(t: Parameters<typeof tempDir>[0], dir: string, logger?: Logger) {
  const w = new RegistriesWatcher({ dir, debounceMs: 30, pollIntervalMs: 0, logger });
  t.teardown(() => w.close());
  await w.start();
  return w;
}

const urlOf = (w: RegistriesWatcher, scope: string) => w.current().config?.scopes.get(scope)?.ns.lookaside;

/** The whole state after a change: exactly these scopes, each from its file, and no error. */
function assertApplied(t: ExecutionContext, w: RegistriesWatcher, scopes: Record<string, [string, string]>) {
  const config = w.current().config;
  t.deepEqual(
    Object.fromEntries(
      [...(config?.scopes ?? new Map()).entries()].map(([k, v]) => [k, [v.ns.lookaside, v.file]]),
    ),
    scopes,
  );
  t.is(w.current().lastError, undefined);
}

test('create, modify, rename and delete files are applied live', async (t) => {
  const dir = await tempDir(t);
  const w = await watcher(t, dir);
  t.is(w.current().config?.scopes.size, 0);
  await writeFile(path.join(dir, 'a.yaml'), scopeFile('a.io', 'https://a1'));
  await waitFor('create', () => urlOf(w, 'a.io') === 'https://a1');
  await writeFile(path.join(dir, 'a.yaml'), scopeFile('a.io', 'https://a2'));
  await waitFor('modify', () => urlOf(w, 'a.io') === 'https://a2');
  await rename(path.join(dir, 'a.yaml'), path.join(dir, 'a.yaml.disabled'));
  await waitFor('rename away', () => urlOf(w, 'a.io') === undefined);
  await rename(path.join(dir, 'a.yaml.disabled'), path.join(dir, 'b.yaml'));
  await waitFor(
    'rename back',
    () => w.current().config?.scopes.get('a.io')?.file === path.join(dir, 'b.yaml'),
  );
  await unlink(path.join(dir, 'b.yaml'));
  await waitFor('delete', () => w.current().config?.scopes.size === 0);
  t.is(w.current().lastError, undefined);
  t.true(w.current().reloads >= 6);
});

test('an editor swap-file save (write temp, rename over) is applied', async (t) => {
  const dir = await tempDir(t);
  await writeFile(path.join(dir, 'a.yaml'), scopeFile('a.io', 'https://old'));
  const w = await watcher(t, dir);
  await writeFile(path.join(dir, '.a.yaml.swp'), 'garbage that is not read');
  await writeFile(path.join(dir, 'a.yaml~'), scopeFile('a.io', 'https://new'));
  await rename(path.join(dir, 'a.yaml~'), path.join(dir, 'a.yaml'));
  await unlink(path.join(dir, '.a.yaml.swp'));
  await waitFor('swap save', () => urlOf(w, 'a.io') === 'https://new');
  assertApplied(t, w, { 'a.io': ['https://new', path.join(dir, 'a.yaml')] });
});

test('a broken edit keeps the last good config; fixing it applies the new one', async (t) => {
  const dir = await tempDir(t);
  await writeFile(path.join(dir, 'a.yaml'), scopeFile('a.io', 'https://good'));
  const w = await watcher(t, dir);
  const changes: unknown[] = [];
  w.on('change', (s) => changes.push(s));
  await writeFile(path.join(dir, 'a.yaml'), 'docker:\n  a.io:\n    lookaside: [broken\n');
  const broken = await waitFor('rejected load', () => w.current().lastError);
  t.regex(broken.errors[0]!.message, /^invalid YAML/);
  t.is(broken.errors[0]!.file, path.join(dir, 'a.yaml'));
  t.is(urlOf(w, 'a.io'), 'https://good', 'the last good configuration stays in force');
  t.is(w.current().failures, 1);
  await writeFile(path.join(dir, 'b.yaml'), scopeFile('a.io', 'https://dup'));
  await writeFile(path.join(dir, 'a.yaml'), scopeFile('a.io', 'https://fixed'));
  await waitFor('duplicate rejected', () =>
    w.current().lastError?.errors[0]?.message.includes('defined both in'),
  );
  t.is(urlOf(w, 'a.io'), 'https://good');
  await unlink(path.join(dir, 'b.yaml'));
  await waitFor('repaired', () => urlOf(w, 'a.io') === 'https://fixed');
  t.is(w.current().lastError, undefined);
  t.true(changes.length >= 3);
});

test('a ConfigMap-style ..data symlink flip is applied', async (t) => {
  const root = await tempDir(t);
  const dir = path.join(root, 'registries.d');
  await mkdir(path.join(dir, '..v1'), { recursive: true });
  await writeFile(path.join(dir, '..v1', 'a.yaml'), scopeFile('a.io', 'https://v1'));
  await symlink('..v1', path.join(dir, '..data'));
  await symlink('..data/a.yaml', path.join(dir, 'a.yaml'));
  const w = await watcher(t, dir);
  t.is(urlOf(w, 'a.io'), 'https://v1');
  // kubelet's atomic writer: new timestamped dir, new ..data_tmp link renamed over ..data, old dir removed.
  await mkdir(path.join(dir, '..v2'));
  await writeFile(path.join(dir, '..v2', 'a.yaml'), scopeFile('a.io', 'https://v2'));
  await symlink('..v2', path.join(dir, '..data_tmp'));
  await rename(path.join(dir, '..data_tmp'), path.join(dir, '..data'));
  await rm(path.join(dir, '..v1'), { recursive: true });
  await waitFor('..data flip', () => urlOf(w, 'a.io') === 'https://v2');
  assertApplied(t, w, { 'a.io': ['https://v2', path.join(dir, 'a.yaml')] });
});

test('the directory itself replaced by a symlink flip is applied, and later edits too', async (t) => {
  const root = await tempDir(t);
  await mkdir(path.join(root, 'v1'));
  await mkdir(path.join(root, 'v2'));
  await writeFile(path.join(root, 'v1', 'a.yaml'), scopeFile('a.io', 'https://v1'));
  await writeFile(path.join(root, 'v2', 'a.yaml'), scopeFile('a.io', 'https://v2'));
  const dir = path.join(root, 'registries.d');
  await symlink('v1', dir);
  const w = await watcher(t, dir);
  t.is(urlOf(w, 'a.io'), 'https://v1');
  await symlink('v2', path.join(root, 'tmp-link'));
  await rename(path.join(root, 'tmp-link'), dir);
  await waitFor('directory flip', () => urlOf(w, 'a.io') === 'https://v2');
  await writeFile(path.join(root, 'v2', 'b.yaml'), scopeFile('b.io', 'https://b'));
  await waitFor('edit after flip', () => urlOf(w, 'b.io') === 'https://b');
  assertApplied(t, w, {
    'a.io': ['https://v2', path.join(dir, 'a.yaml')],
    'b.io': ['https://b', path.join(dir, 'b.yaml')],
  });
});

test('a directory that appears after start is picked up', async (t) => {
  const root = await tempDir(t);
  const dir = path.join(root, 'registries.d');
  const w = await watcher(t, dir);
  t.is(w.current().config?.scopes.size, 0);
  await mkdir(dir);
  await writeFile(path.join(dir, 'a.yaml'), scopeFile('a.io', 'https://late'));
  await waitFor('late directory', () => urlOf(w, 'a.io') === 'https://late');
  assertApplied(t, w, { 'a.io': ['https://late', path.join(dir, 'a.yaml')] });
});

test('the poll backstop reloads without events', async (t) => {
  const dir = await tempDir(t);
  const w = new RegistriesWatcher({ dir, debounceMs: 10, pollIntervalMs: 50 });
  t.teardown(() => w.close());
  await w.start();
  await (w as unknown as { watcher: { close(): Promise<void> } }).watcher.close(); // lose every event
  const reloads = w.current().reloads;
  await writeFile(path.join(dir, 'a.yaml'), scopeFile('a.io', 'https://polled'));
  await waitFor('poll', () => urlOf(w, 'a.io') === 'https://polled');
  assertApplied(t, w, { 'a.io': ['https://polled', path.join(dir, 'a.yaml')] });
  t.true(w.current().reloads > reloads);
});

/** The log lines an operator reads: level, message and fields, in order. */
const logged = (lines: () => Array<Record<string, unknown>>) =>
  lines().map(({ level, msg, dir, scopes }) => ({ level, msg, dir, scopes }));

test('what it logs: warnings then the applied configuration, errors with what stays in force', async (t) => {
  const dir = await tempDir(t);
  const file = path.join(dir, 'a.yaml');
  await writeFile(file, 'docker:\n  a.io:\n    lookaside: https://a\n    lookasid: https://b\n');
  const { logger, lines } = capturingLogger();
  const w = await watcher(t, dir, logger);
  t.deepEqual(logged(lines), [
    {
      level: 40,
      msg: `registries.d: ${file}:4: unknown key "lookasid" in docker.a.io is ignored (did you mean "lookaside"?)`,
      dir: undefined,
      scopes: undefined,
    },
    { level: 30, msg: 'registries.d configuration applied', dir, scopes: 1 },
  ]);
  await writeFile(file, 'docker:\n  a.io:\n    lookaside: [broken\n');
  await waitFor('rejected load', () => w.current().lastError);
  const rejected = lines().slice(2);
  t.is(rejected.length, 1);
  t.is(rejected[0]!.level, 50);
  t.regex(rejected[0]!.msg as string, /^registries\.d: \S+\/a\.yaml:\d+: invalid YAML/);
  t.true((rejected[0]!.msg as string).endsWith(' (keeping the last good configuration)'));
  t.is(w.current().warnings.length, 1, 'the warnings of the configuration in force stay');
});

test('a rejected first load logs that no configuration is in force', async (t) => {
  const dir = await tempDir(t);
  await writeFile(path.join(dir, 'a.yaml'), 'docker:\n  a.io:\n    lookaside: [broken\n');
  const { logger, lines } = capturingLogger();
  const w = await watcher(t, dir, logger);
  t.is(w.current().config, undefined);
  t.is(w.current().failures, 1);
  t.deepEqual(
    lines().map((l) => [l.level, (l.msg as string).endsWith(' (no configuration in force)')]),
    [[50, true]],
  );
});

test('a replaced directory is logged, and a watch error is logged as a warning', async (t) => {
  const root = await tempDir(t);
  await mkdir(path.join(root, 'v1'));
  await mkdir(path.join(root, 'v2'));
  await writeFile(path.join(root, 'v2', 'a.yaml'), scopeFile('a.io', 'https://v2'));
  const dir = path.join(root, 'registries.d');
  await symlink('v1', dir);
  const { logger, lines } = capturingLogger();
  const w = await watcher(t, dir, logger);
  await symlink('v2', path.join(root, 'tmp-link'));
  await rename(path.join(root, 'tmp-link'), dir);
  await waitFor('the new directory watched and loaded', () => urlOf(w, 'a.io') === 'https://v2');
  await waitFor('replaced', () =>
    lines().some((l) => l.msg === 'registries.d directory replaced; watching the new one'),
  );
  t.like(
    lines().find((l) => l.msg === 'registries.d directory replaced; watching the new one'),
    { level: 30, dir },
  );
  // chokidar reports failures (a lost inotify watch, EACCES below the directory) as 'error' events.
  const inner = (w as unknown as { watcher: { emit(e: string, err: Error): void } }).watcher;
  inner.emit('error', new Error('EACCES: permission denied'));
  t.like(lines().at(-1), {
    level: 40,
    msg: 'registries.d watch error',
    err: { message: 'EACCES: permission denied' },
  });
});

test('an edit to a file that a symlink in the directory points to is applied', async (t) => {
  const root = await tempDir(t);
  const dir = path.join(root, 'registries.d');
  await mkdir(dir);
  const target = path.join(root, 'shared.yaml');
  await writeFile(target, scopeFile('a.io', 'https://one'));
  await symlink(target, path.join(dir, 'a.yaml'));
  const w = await watcher(t, dir);
  t.is(urlOf(w, 'a.io'), 'https://one');
  await writeFile(target, scopeFile('a.io', 'https://two'));
  await waitFor('edit through the symlink', () => urlOf(w, 'a.io') === 'https://two');
  assertApplied(t, w, { 'a.io': ['https://two', path.join(dir, 'a.yaml')] });
});

test('edits in quick succession to one file are each applied, whatever debounce is asked for', async (t) => {
  // chokidar drops a `change` within 50 ms of the last one on the same path; a reload sooner than
  // that read the file before an edit whose event was then dropped (seen once in CI).
  const dir = await tempDir(t);
  const file = path.join(dir, 'a.yaml');
  await writeFile(file, scopeFile('a.io', 'https://0'));
  const w = new RegistriesWatcher({ dir, debounceMs: 1, pollIntervalMs: 0 });
  t.teardown(() => w.close());
  await w.start();
  for (let i = 1; i <= 5; i++) {
    await writeFile(file, scopeFile('a.io', `https://${i}`));
    await waitFor(`edit ${i}`, () => urlOf(w, 'a.io') === `https://${i}`, 3_000);
  }
  t.is(w.current().reloads, 6);
});

test("an edit that keeps the file's mtime (cp -p, tar x, packaged files) is applied", async (t) => {
  // chokidar reports no `change` when the mtime equals the one it last saw and the atime is newer
  // (the watcher's own read made it so): only the raw inotify event says the file changed.
  const dir = await tempDir(t);
  const file = path.join(dir, 'a.yaml');
  writeFileSync(file, scopeFile('a.io', 'https://before'));
  const mtime = new Date('2026-01-01T00:00:00Z');
  utimesSync(file, new Date(), mtime);
  const w = await watcher(t, dir);
  t.is(urlOf(w, 'a.io'), 'https://before');
  // In one synchronous step, so chokidar's stat after the event sees the mtime already restored.
  writeFileSync(file, scopeFile('a.io', 'https://after'));
  utimesSync(file, new Date(), mtime);
  await waitFor('the edit', () => urlOf(w, 'a.io') === 'https://after', 3_000);
  t.is(statSync(file).mtimeMs, mtime.getTime());
});

test('close() while the replaced directory is being watched anew leaves no watcher open', async (t) => {
  const root = await tempDir(t);
  await mkdir(path.join(root, 'v1'));
  await mkdir(path.join(root, 'v2'));
  const dir = path.join(root, 'registries.d');
  await symlink('v1', dir);
  let closing: Promise<void> | undefined;
  // close() the moment the re-watch begins (its log line is written just before).
  const logger = pino(
    { level: 'info' },
    {
      write: (line: string) => {
        if (line.includes('directory replaced')) closing = w.close();
      },
    },
  );
  const w = new RegistriesWatcher({ dir, debounceMs: 30, pollIntervalMs: 0, logger });
  await w.start();
  await symlink('v2', path.join(root, 'tmp-link'));
  await rename(path.join(root, 'tmp-link'), dir);
  await waitFor('close() called', () => closing !== undefined);
  await closing;
  const inner = w as unknown as { checking: boolean; watcher: { closed: boolean } };
  await waitFor('the re-watch over', () => !inner.checking);
  t.true(inner.watcher.closed, 'the watcher started after close() is closed');
});

test('a load that finds nothing new changes nothing: no event, no log line, no count; an unreplaced directory is not re-watched', async (t) => {
  const dir = await tempDir(t);
  await writeFile(path.join(dir, 'a.yaml'), scopeFile('a.io', 'https://a'));
  const { logger, lines } = capturingLogger();
  const w = await watcher(t, dir, logger);
  const changes: unknown[] = [];
  w.on('change', (s) => changes.push(s));
  const before = w.current();
  await w.reload();
  await w.reload();
  t.is(w.current(), before, 'the same state object');
  t.deepEqual(changes, []);
  // Past one identity check (every second): the same directory is not reported replaced.
  await new Promise((r) => setTimeout(r, 1_300));
  t.deepEqual(
    lines().map((l) => l.msg),
    ['registries.d configuration applied'],
  );
});

test('pollIntervalMs 0 turns the poll off: with events lost, an edit stays unseen', async (t) => {
  const dir = await tempDir(t);
  const w = await watcher(t, dir); // pollIntervalMs: 0
  await (w as unknown as { watcher: { close(): Promise<void> } }).watcher.close(); // lose every event
  await writeFile(path.join(dir, 'a.yaml'), scopeFile('a.io', 'https://unseen'));
  await new Promise((r) => setTimeout(r, 300));
  t.is(urlOf(w, 'a.io'), undefined);
  await w.reload();
  t.is(urlOf(w, 'a.io'), 'https://unseen', 'an explicit reload (SIGHUP) still reads it');
});

test('after close() a reload reads nothing', async (t) => {
  const dir = await tempDir(t);
  const w = await watcher(t, dir);
  await w.close();
  await writeFile(path.join(dir, 'a.yaml'), scopeFile('a.io', 'https://late'));
  await w.reload();
  t.is(urlOf(w, 'a.io'), undefined);
  t.is(w.current().reloads, 1);
});
