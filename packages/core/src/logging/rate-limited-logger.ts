import type { Logger } from './logger.js';

/** Options of RateLimitedLogger. */
export interface RateLimitedLoggerOptions {
  /**
   * Shortest time between two messages of the same kind, in milliseconds.
   * @default 60000
   */
  intervalMs?: number;
  /** Clock in milliseconds, for tests. @default Date.now */
  now?: () => number;
}

interface KindState {
  lastLoggedAt: number;
  suppressed: number;
}

/**
 * RateLimitedLogger forwards at most one message per kind per interval to a logger, and tells
 * how many similar messages it held back since. A bad call in a hot loop therefore costs one
 * map lookup and no I/O. Memory grows with the number of distinct kinds, which callers keep
 * small (a metric uses one kind per problem class, not per label value).
 */
export class RateLimitedLogger {
  private readonly kinds = new Map<string, KindState>();
  private readonly intervalMs: number;
  private readonly now: () => number;

  constructor(
    private readonly target: () => Logger,
    options: RateLimitedLoggerOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  /**
   * Logs `message` at `level` unless a message of `kind` was logged less than an interval ago.
   * Pass a function to build the message only when it is logged: a suppressed call then costs
   * one map lookup and a clock read.
   */
  log(level: 'warn' | 'error', kind: string, message: string | (() => string)): void {
    const now = this.now();
    const state = this.kinds.get(kind);
    if (state !== undefined && now - state.lastLoggedAt < this.intervalMs) {
      state.suppressed++;
      return;
    }
    const suppressed = state?.suppressed ?? 0;
    if (state === undefined) this.kinds.set(kind, { lastLoggedAt: now, suppressed: 0 });
    else {
      state.lastLoggedAt = now;
      state.suppressed = 0;
    }
    const suffix = suppressed > 0 ? ` (${suppressed} similar messages suppressed)` : '';
    try {
      this.target()[level]((typeof message === 'function' ? message() : message) + suffix);
    } catch {
      // A logger (or a message) that throws must not turn instrumentation into a crash.
    }
  }
}
