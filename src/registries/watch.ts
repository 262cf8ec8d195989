/**
 * Live reload of registries.d: chokidar events → debounce → load → swap an immutable snapshot.
 * A load with errors never replaces the last good configuration; the errors are kept for
 * /readyz and metrics, and a later good load clears them. No anchor reloads config live:
 * this shell and its keep-last-good rule are sigmirror's own.
 */
import { EventEmitter } from 'node:events';
import { realpath, stat } from 'node:fs/promises';
import { watch, type FSWatcher } from 'chokidar';
import type { Logger } from 'pino';
import { loadRegistriesDir, type LoadResult, type RegistriesConfig } from './load.js';
import { formatProblem, type ConfigProblem } from './problems.js';

/** How often to check whether the directory itself was replaced. */
const IDENTITY_CHECK_MS = 1_000;

/**
 * chokidar drops a `change` that comes within 50 ms of the last one on the same path. A reload
 * sooner than that could read a file before an edit whose event is then dropped: the edit would
 * wait for the poll. So the quiet time is never shorter.
 */
export const MIN_DEBOUNCE_MS = 60;

/** Real path and inode of the directory, or "missing". */
async function directoryIdentity(dir: string): Promise<string> {
  try {
    const real = await realpath(dir);
    return `${real}:${(await stat(real)).ino}`;
  } catch {
    return 'missing';
  }
}

/** What the watcher holds now. Replaced as a whole on every applied change. */
export interface RegistriesState {
  /** The configuration in force: the last load without errors (undefined before the first one). */
  readonly config: RegistriesConfig | undefined;
  readonly appliedAt: Date | undefined;
  /** Errors of the latest load, when it was rejected; undefined once a good load applies. */
  readonly lastError: { readonly at: Date; readonly errors: readonly ConfigProblem[] } | undefined;
  readonly warnings: readonly ConfigProblem[];
  /** Loads applied and loads rejected since start. */
  readonly reloads: number;
  readonly failures: number;
}

/** Options of a watcher; every field has a default fit for /etc/containers/registries.d. */
export interface WatcherOptions {
  readonly dir: string;
  /** Quiet time after the last event before reloading: editors write in bursts. Default 100 ms, at least MIN_DEBOUNCE_MS. */
  readonly debounceMs?: number;
  /** Reload this often even without events, in case an event was lost. Default 30 s; 0 = off. */
  readonly pollIntervalMs?: number;
  readonly logger?: Logger | undefined;
}

/** Emits `change` (state) after each applied or rejected load that changed something. */
export class RegistriesWatcher extends EventEmitter {
  private state: RegistriesState = {
    config: undefined,
    appliedAt: undefined,
    lastError: undefined,
    warnings: [],
    reloads: 0,
    failures: 0,
  };
  private fingerprint = '';
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private poller: NodeJS.Timeout | undefined;
  private identityTimer: NodeJS.Timeout | undefined;
  private identity = '';
  private checking = false;
  private loading: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly options: WatcherOptions) {
    super();
  }

  /** The state in force; cheap, call it per request. */
  current(): RegistriesState {
    return this.state;
  }

  /**
   * Loads once, then watches the directory. Its identity (real path and inode) is checked every
   * second, because replacing the directory (a symlink flip, a late mkdir) sends no event into it.
   */
  async start(): Promise<RegistriesState> {
    await this.reload();
    await this.watchDirectory();
    this.identityTimer = setInterval(() => void this.checkIdentity(), IDENTITY_CHECK_MS).unref();
    const poll = this.options.pollIntervalMs ?? 30_000;
    // A poll is no burst of events: it loads at once (through schedule() a poll shorter than the
    // quiet time would put the load off for ever).
    if (poll > 0) this.poller = setInterval(() => void this.reload(), poll).unref();
    return this.state;
  }

  private async watchDirectory(): Promise<void> {
    await this.watcher?.close();
    this.identity = await directoryIdentity(this.options.dir);
    const watcher = watch(this.options.dir, { ignoreInitial: true, depth: 2, followSymlinks: true });
    // Any event may matter (a ConfigMap flip touches only `..data`); unchanged loads are no-ops.
    // `raw` is every inotify event, before chokidar's filters: it drops a `change` within 50 ms of
    // the last one, and one whose mtime equals the last seen when atime is newer (our own read
    // makes it newer), as with `cp -p`, `tar x` or packaged files of one fixed mtime.
    watcher.on('all', () => this.schedule());
    watcher.on('raw', () => this.schedule());
    watcher.on('error', (err) => this.options.logger?.warn({ err }, 'registries.d watch error'));
    await new Promise<void>((resolve) => watcher.once('ready', resolve));
    this.watcher = watcher;
    if (this.closed) await watcher.close(); // close() came while this one was starting
  }

  private async checkIdentity(): Promise<void> {
    // One check at a time: a slow re-watch must not overlap the next tick's (two new watchers).
    if (this.checking || this.closed) return;
    this.checking = true;
    try {
      if ((await directoryIdentity(this.options.dir)) === this.identity) return;
      this.options.logger?.info(
        { dir: this.options.dir },
        'registries.d directory replaced; watching the new one',
      );
      await this.watchDirectory();
      this.schedule();
    } finally {
      this.checking = false;
    }
  }

  /** Loads now (serialised with other loads) and applies the result under the keep-last-good rule. */
  reload(): Promise<void> {
    this.loading = this.loading.then(async () => {
      if (!this.closed) this.apply(await loadRegistriesDir(this.options.dir));
    });
    return this.loading;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    clearInterval(this.poller);
    clearInterval(this.identityTimer);
    await this.watcher?.close();
    await this.loading;
  }

  private schedule(): void {
    clearTimeout(this.timer);
    const quiet = Math.max(this.options.debounceMs ?? 100, MIN_DEBOUNCE_MS);
    this.timer = setTimeout(() => void this.reload(), quiet);
  }

  private apply(result: LoadResult): void {
    const log = this.options.logger;
    const fingerprint = JSON.stringify(result, (_k, v) => (v instanceof Map ? [...v] : v));
    if (fingerprint === this.fingerprint) return;
    this.fingerprint = fingerprint;
    const now = new Date();
    if (result.config) {
      this.state = {
        config: result.config,
        appliedAt: now,
        lastError: undefined,
        warnings: result.warnings,
        reloads: this.state.reloads + 1,
        failures: this.state.failures,
      };
      for (const w of result.warnings) log?.warn(`registries.d: ${formatProblem(w)}`);
      log?.info(
        { dir: this.options.dir, scopes: result.config.scopes.size },
        'registries.d configuration applied',
      );
    } else {
      this.state = {
        ...this.state,
        lastError: { at: now, errors: result.errors },
        failures: this.state.failures + 1,
      };
      const kept = this.state.config ? 'keeping the last good configuration' : 'no configuration in force';
      for (const e of result.errors) log?.error(`registries.d: ${formatProblem(e)} (${kept})`);
    }
    this.emit('change', this.state);
  }
}
