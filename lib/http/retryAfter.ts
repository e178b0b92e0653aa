/**
 * Reading the retry delay an HTTP server asks for.
 *
 * @module
 */

/** Anything with a case-insensitive `get(name)`: a fetch `Headers`, or a plain lookup function's wrapper. */
export interface HeaderLookup {
  get(name: string): string | null | undefined;
}

/**
 * The delay, in whole milliseconds, that a response's headers ask for before a retry: `retry-after-ms` (milliseconds,
 * as OpenAI sends it) wins over `retry-after` (delay-seconds, or an HTTP date, per RFC 9110 §10.2.3). A date in the
 * past means 0. Unreadable or negative values are ignored.
 *
 * ## Example
 * ```ts
 * import { parseRetryAfter } from 'responses-rx';
 *
 * const response = await fetch(url, init);
 * if (response.status === 429) await sleep(parseRetryAfter(response.headers) ?? 1000);
 * ```
 *
 * @param headers the response headers.
 * @param now the current time in epoch milliseconds, to resolve an HTTP date.
 * @returns the delay in milliseconds, or `undefined` when the headers name none.
 */
export function parseRetryAfter(headers: HeaderLookup, now: number = Date.now()): number | undefined {
  const ms = parseDelay(headers.get('retry-after-ms'));
  if (ms !== undefined) return Math.ceil(ms);
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  const seconds = parseDelay(value);
  if (seconds !== undefined) return Math.ceil(seconds * 1000);
  // An HTTP date has letters and a comma or spaces; Date.parse reads IMF-fixdate and the obsolete forms.
  const date = /[a-z]/i.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function parseDelay(value: string | null | undefined): number | undefined {
  const text = value?.trim();
  if (!text || !/^\d+(\.\d+)?$/.test(text)) return undefined;
  const number = Number(text);
  return Number.isFinite(number) ? number : undefined;
}
