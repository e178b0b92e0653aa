/**
 * SSE framing for tests and replays.
 *
 * @module
 */
import type { WireJson } from './builders';

/** Options of {@link toSseText}. */
export interface ToSseTextOptions {
  /** Write an `event: <type>` line before each `data:` line, as OpenAI does. @defaultValue true */
  readonly eventNames?: boolean;
  /** The line ending. @defaultValue '\n' */
  readonly lineEnding?: '\n' | '\r\n' | '\r';
}

/**
 * Frames wire events as SSE text: `event: <type>\ndata: <json>\n\n` per event.
 *
 * ## Example
 * ```ts
 * import { toSseText, wire } from 'responses-rx/testing';
 *
 * const text = toSseText([wire.created(), wire.completed()]);
 * ```
 */
export function toSseText(events: readonly (WireJson | string)[], options: ToSseTextOptions = {}): string {
  const eol = options.lineEnding ?? '\n';
  const names = options.eventNames ?? true;
  let text = '';
  for (const event of events) {
    const data = typeof event === 'string' ? event : JSON.stringify(event);
    const name = typeof event === 'string' ? undefined : event.type;
    if (names && name !== undefined) text += `event: ${name}${eol}`;
    text += `data: ${data}${eol}${eol}`;
  }
  return text;
}

/**
 * Cuts bytes (or text, encoded as UTF-8) into chunks of `size` bytes, ignoring character boundaries, as a network
 * may deliver them.
 */
export function splitBytes(input: Uint8Array | string, size: number): Uint8Array[] {
  if (!(Number.isInteger(size) && size > 0))
    throw new TypeError(`splitBytes: size must be a positive integer, got ${size}`);
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return chunks;
}

/**
 * Cuts bytes at the given offsets (sorted, deduplicated, out-of-range ignored).
 */
export function splitAt(input: Uint8Array | string, offsets: readonly number[]): Uint8Array[] {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  const cuts = [...new Set(offsets)].filter((o) => o > 0 && o < bytes.length).sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const cut of cuts) {
    chunks.push(bytes.subarray(start, cut));
    start = cut;
  }
  chunks.push(bytes.subarray(start));
  return chunks;
}

/** Parses a one-JSON-event-per-line recording (blank lines skipped; a line that is not JSON is kept as raw text). */
export function parseJsonLines(text: string): (WireJson | string)[] {
  return text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        const value = JSON.parse(line) as unknown;
        return typeof value === 'object' && value !== null && typeof (value as WireJson).type === 'string'
          ? (value as WireJson)
          : line;
      } catch {
        return line;
      }
    });
}
