/**
 * What a running daemon must stop, in reverse order of start (STYLE habit #8: HTTP intake,
 * watchers, workers, queue, Redis). close() is memoised and continues past errors, so nothing is
 * left running.
 */
import type { Logger } from 'pino';

export class Lifecycle {
  private readonly closers: Array<[string, () => Promise<void>]> = [];
  private closing: Promise<void> | undefined;

  constructor(private readonly logger: Logger) {}

  /** Registers how to stop a part just started; the last started is stopped first. */
  stopping(name: string, stop: () => Promise<void>): void {
    this.closers.unshift([name, stop]);
  }

  close(): Promise<void> {
    return (this.closing ??= (async () => {
      for (const [name, stop] of this.closers) {
        await stop().catch((err: unknown) => this.logger.error({ err }, `error while stopping ${name}`));
      }
      this.logger.info('stopped');
    })());
  }
}
