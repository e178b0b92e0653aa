/**
 * SSE text from wire events and back: the framing the embedded server's recordings and the CLI use, re-exported by
 * the testing kit (`toSseText`, `parseJsonLines` from `responses-rx/testing`).
 *
 * @module
 */
import { type WireJson, isStreamEventJson } from '../wire/json';

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
 * Parses a one-JSON-event-per-line recording (blank lines skipped; a line that is not a stream event as JSON, see
 * `isStreamEventJson`, is kept as raw text).
 */
export function parseJsonLines(text: string): (WireJson | string)[] {
  return text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        const value = JSON.parse(line) as unknown;
        return isStreamEventJson(value) ? value : line;
      } catch {
        return line;
      }
    });
}
