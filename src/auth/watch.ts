/**
 * Hot reload of the tokens file: a changed file replaces the token set only when it parses;
 * a broken edit keeps the previous tokens in force (and is logged without any token value).
 */
import { watch, type FSWatcher } from 'chokidar';
import type { Logger } from 'pino';
import { TokenSet } from './tokens.js';

/** Quiet time after a change before reloading. */
const DEBOUNCE_MS = 100;

export class TokensWatcher {
  private tokens: TokenSet = TokenSet.EMPTY;
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastError: string | undefined;

  constructor(
    private readonly file: string | undefined,
    private readonly logger?: Logger,
  ) {}

  private readonly warn = (message: string) => this.logger?.warn(message);

  /** The tokens in force. */
  current(): TokenSet {
    return this.tokens;
  }

  /** Why the latest reload was rejected, if it was. */
  error(): string | undefined {
    return this.lastError;
  }

  /** Loads the file (a failure at start is fatal: the daemon must not run with wrong auth). */
  async start(): Promise<void> {
    if (!this.file) return;
    this.tokens = await TokenSet.load(this.file, this.warn);
    this.logger?.info({ file: this.file, tokens: this.tokens.size }, 'tokens loaded');
    this.watcher = watch(this.file, { ignoreInitial: true });
    this.watcher.on('all', () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => void this.reload(), DEBOUNCE_MS);
    });
    await new Promise<void>((resolve) => this.watcher!.once('ready', resolve));
  }

  /** Re-reads the file (also on SIGHUP); keeps the old tokens when it does not parse. */
  async reload(): Promise<void> {
    if (!this.file) return;
    try {
      this.tokens = await TokenSet.load(this.file, this.warn);
      this.lastError = undefined;
      this.logger?.info({ file: this.file, tokens: this.tokens.size }, 'tokens reloaded');
    } catch (err) {
      this.lastError = (err as Error).message;
      this.logger?.error(`tokens file rejected, keeping the previous tokens: ${this.lastError}`);
    }
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
    await this.watcher?.close();
  }
}
