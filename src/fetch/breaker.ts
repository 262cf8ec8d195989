/**
 * A circuit breaker per upstream sigstore host (distribution's notification endpoint, nginx's
 * max_fails/fail_timeout): after FAILURES_TO_OPEN consecutive failures that a retry might mend
 * (timeouts, resets, 5xx), the host is "offline" for OPEN_MS; imports for it then fail at once
 * with a retryable error carrying the remaining time, so one dead sigstore does not hold worker
 * slots or eat every job's attempts waiting on timeouts. After OPEN_MS one probe goes through
 * (half-open): success closes the circuit, failure opens it again. Only transitions are logged
 * ("host … offline" / "online"), and exported as `sigmirror_fetch_host_offline{host}`.
 */
import type { Logger } from 'pino';
import { FetchError } from './errors.js';

/** Consecutive retryable failures that take a host offline. */
export const FAILURES_TO_OPEN = 5;
/** How long an offline host is left alone before one probe. */
export const OPEN_MS = 30_000;

type State = { failures: number; openedAt: number | undefined; probing: boolean };

export interface BreakerOptions {
  readonly failuresToOpen?: number;
  readonly openMs?: number;
  readonly logger?: Logger | undefined;
  /** Called with each transition: true when the host goes offline, false when back online. */
  readonly onChange?: ((host: string, offline: boolean) => void) | undefined;
  readonly now?: () => number;
}

export class HostBreaker {
  private readonly hosts = new Map<string, State>();
  private readonly failuresToOpen: number;
  private readonly openMs: number;
  private readonly now: () => number;

  constructor(private readonly options: BreakerOptions = {}) {
    this.failuresToOpen = options.failuresToOpen ?? FAILURES_TO_OPEN;
    this.openMs = options.openMs ?? OPEN_MS;
    this.now = options.now ?? Date.now;
  }

  /** Runs `fn` unless `host` is offline; records its outcome. */
  async run<T>(host: string, fn: () => Promise<T>): Promise<T> {
    const state = this.hosts.get(host) ?? { failures: 0, openedAt: undefined, probing: false };
    this.hosts.set(host, state);
    const probe = this.admit(host, state);
    try {
      const result = await fn();
      this.succeeded(host, state);
      return result;
    } catch (err) {
      if (err instanceof FetchError && err.retryable) this.failed(host, state);
      else this.succeeded(host, state); // the host answered: a 404 or a bad body is not "down"
      throw err;
    } finally {
      if (probe) state.probing = false;
    }
  }

  /** True when this call is the half-open probe; throws while the host is offline. */
  private admit(host: string, state: State): boolean {
    if (state.openedAt === undefined) return false;
    const left = state.openedAt + this.openMs - this.now();
    if (left > 0 || state.probing) {
      throw new FetchError(
        'host-offline',
        `${host} is offline after ${this.failuresToOpen} failures in a row; next try in ${Math.max(1, Math.ceil(left / 1000))} s`,
        host,
        true,
        undefined,
        Math.max(left, 1_000),
      );
    }
    state.probing = true;
    return true;
  }

  private failed(host: string, state: State): void {
    state.failures++;
    if (state.openedAt !== undefined)
      state.openedAt = this.now(); // the probe failed
    else if (state.failures >= this.failuresToOpen) {
      state.openedAt = this.now();
      this.options.logger?.warn({ host, failures: state.failures }, `upstream host ${host} now offline`);
      this.options.onChange?.(host, true);
    }
  }

  private succeeded(host: string, state: State): void {
    const wasOffline = state.openedAt !== undefined;
    state.failures = 0;
    state.openedAt = undefined;
    if (wasOffline) {
      this.options.logger?.warn({ host }, `upstream host ${host} online again`);
      this.options.onChange?.(host, false);
    }
  }
}
