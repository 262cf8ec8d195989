/** A concurrency limit per upstream host: one slow sigstore cannot take every worker slot. */
import { PER_HOST_CONCURRENCY } from './limits.js';

export class HostLimiter {
  private readonly active = new Map<string, number>();
  private readonly waiting = new Map<string, Array<() => void>>();

  constructor(private readonly perHost = PER_HOST_CONCURRENCY) {}

  /** Runs `fn` once fewer than `perHost` calls for `host` are running. */
  async run<T>(host: string, fn: () => Promise<T>): Promise<T> {
    if ((this.active.get(host) ?? 0) >= this.perHost) {
      await new Promise<void>((resolve) => {
        const queue = this.waiting.get(host) ?? [];
        queue.push(resolve);
        this.waiting.set(host, queue);
      });
    }
    this.active.set(host, (this.active.get(host) ?? 0) + 1);
    try {
      return await fn();
    } finally {
      this.release(host);
    }
  }

  private release(host: string): void {
    const left = (this.active.get(host) ?? 1) - 1;
    if (left === 0) this.active.delete(host);
    else this.active.set(host, left);
    const next = this.waiting.get(host)?.shift();
    if (this.waiting.get(host)?.length === 0) this.waiting.delete(host);
    next?.();
  }
}
