/**
 * The one check of every duration option (timeouts, delays, backoff): a number of milliseconds a timer can wait.
 *
 * @module
 */

/**
 * The longest wait a timer honours: 2^31 − 1 ms, about 24.8 days. `setTimeout` and `setInterval` (and so rxjs's
 * `asyncScheduler`, `timer` and `delay`) fire a longer one after 1 ms, so a larger option would mean "at once", not
 * "later" (Node prints a `TimeoutOverflowWarning`; the HTML timers spec clamps the same way).
 */
export const MAX_TIMER_MS = 2_147_483_647;

/** What a duration option accepts besides 0 < value ≤ {@link MAX_TIMER_MS}. */
export interface DurationRule {
  /** Whether 0 is allowed (a delay may be 0, a timeout may not). */
  readonly zero: boolean;
  /** What `Infinity` means for this option (e.g. `'disable the timeout'`); `undefined` rejects it. */
  readonly infinity?: string;
}

/**
 * Checks a duration option when the function it configures is called.
 *
 * @param value the option's value.
 * @param name the caller and the option as the user wrote it, e.g. `'createResponsesServer: idleTimeoutMs'`.
 * @param rule whether 0 and `Infinity` are allowed.
 * @returns the value.
 * @throws TypeError for a non-number, NaN, a negative number (or 0 when not allowed), a number above
 *   {@link MAX_TIMER_MS}, or `Infinity` when the option gives it no meaning; the message says what is allowed.
 */
export function checkDuration(value: unknown, name: string, rule: DurationRule): number {
  if (typeof value === 'number') {
    if (
      value === Infinity ? rule.infinity !== undefined : value <= MAX_TIMER_MS && (rule.zero ? value >= 0 : value > 0)
    )
      return value;
  }
  throw new TypeError(
    `${name} must be a number of milliseconds ${rule.zero ? '>= 0' : '> 0'} and at most ${MAX_TIMER_MS} (about 24 ` +
      `days)${rule.infinity === undefined ? '' : `, or Infinity to ${rule.infinity}`}; got ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`,
  );
}
