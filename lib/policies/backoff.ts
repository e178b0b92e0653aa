/**
 * How long to wait before trying again: exponential backoff with jitter, shared by `resumeStream` and
 * `retryBeforeOutput`.
 *
 * @module
 */
import { ResponsesRxError } from '../errors';
import { MAX_TIMER_MS, checkDuration } from '../util/duration';

/** Exponential backoff with jitter: attempt n waits `min(maxDelayMs, initialDelayMs × 2^(n-1))`, minus jitter. */
export interface BackoffConfig {
  /**
   * The wait before the first new attempt, in milliseconds.
   * @defaultValue 500
   */
  readonly initialDelayMs?: number;
  /**
   * The longest wait, in milliseconds (a server's `retryAfterMs` may ask for longer, and is honoured).
   * @defaultValue 30000
   */
  readonly maxDelayMs?: number;
  /**
   * The part of each wait drawn at random, from 0 (always the full delay) to 1 (anywhere from 0 to the full delay),
   * so that many clients dropped at once do not come back at once.
   * @defaultValue 0.5
   */
  readonly jitter?: number;
}

/** A {@link BackoffConfig} with every default filled in. */
export type ResolvedBackoff = Required<BackoffConfig>;

/** The defaults of {@link BackoffConfig}. */
export const DEFAULT_BACKOFF: ResolvedBackoff = { initialDelayMs: 500, maxDelayMs: 30_000, jitter: 0.5 };

/**
 * Fills in and checks a backoff configuration.
 *
 * @param config the configuration.
 * @param caller the function name quoted in errors.
 * @returns the configuration with its defaults.
 * @throws TypeError for a delay that is not a number of milliseconds from 0 to 2^31 − 1 (the longest a timer waits),
 *   or a jitter outside 0..1.
 */
export function resolveBackoff(config: BackoffConfig, caller: string): ResolvedBackoff {
  const resolved = { ...DEFAULT_BACKOFF, ...definedOnly(config) };
  for (const key of ['initialDelayMs', 'maxDelayMs'] as const)
    checkDuration(resolved[key], `${caller}: ${key}`, { zero: true });
  if (typeof resolved.jitter !== 'number' || !(resolved.jitter >= 0 && resolved.jitter <= 1)) {
    throw new TypeError(`${caller}: jitter must be a number from 0 to 1, got ${String(resolved.jitter)}`);
  }
  return resolved;
}

/**
 * The wait before attempt `attempt` (1 for the first new attempt): the server's `retryAfterMs` when the error
 * carries one, else the exponential backoff with jitter.
 *
 * @param attempt 1, 2, 3… (consecutive attempts that made no progress).
 * @param error the error that ended the previous attempt.
 * @param backoff the resolved configuration.
 * @param random a number in [0, 1); `Math.random` by default.
 * @returns the wait in whole milliseconds, at most 2^31 − 1 (the longest a timer waits).
 */
export function backoffDelay(
  attempt: number,
  error: unknown,
  backoff: ResolvedBackoff,
  random: () => number = Math.random,
): number {
  // A server may ask for any wait; a timer cannot wait longer than MAX_TIMER_MS (it would fire at once instead).
  if (error instanceof ResponsesRxError && error.retryAfterMs !== undefined)
    return Math.min(MAX_TIMER_MS, Math.max(0, error.retryAfterMs));
  const full = Math.min(backoff.maxDelayMs, backoff.initialDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(full * (1 - backoff.jitter * random()));
}

function definedOnly<T extends object>(config: T): Partial<T> {
  return Object.fromEntries(Object.entries(config ?? {}).filter(([, value]) => value !== undefined)) as Partial<T>;
}
