/**
 * Shared helpers of the proof suites (spec/sse/hostile, spec/responses/hostile, spec/properties, spec/hygiene):
 * synchronous collection with a strict terminal-notification check, byte sources, and fast-check settings.
 */
import fc from 'fast-check';
import { type Observable, from } from 'rxjs';
import { type SseChunk } from '../lib';

/** Everything an Observable emitted, checked against the Observable contract on the way. */
export interface Notifications<T> {
  readonly values: T[];
  readonly error: unknown;
  readonly completed: boolean;
  /** How many terminal notifications (complete or error) arrived: 1 for a well-behaved stream. */
  readonly terminals: number;
  /** Notifications of any kind that arrived after the first terminal one: 0 for a well-behaved stream. */
  readonly afterTerminal: number;
}

/**
 * Subscribes with a raw observer and returns what arrived synchronously. With a synchronous source (a string, an
 * array of chunks through `from`), the stream must have ended by the time `subscribe` returns; `terminals` tells.
 * Throws only when `subscribe` itself throws, which is what the tests forbid.
 */
export function runSync<T>(source: Observable<T>): Notifications<T> {
  const values: T[] = [];
  let error: unknown;
  let completed = false;
  let terminals = 0;
  let afterTerminal = 0;
  source.subscribe({
    next: (value) => {
      if (terminals > 0) afterTerminal++;
      else values.push(value);
    },
    error: (e: unknown) => {
      if (terminals > 0) afterTerminal++;
      else error = e;
      terminals++;
    },
    complete: () => {
      if (terminals > 0) afterTerminal++;
      else completed = true;
      terminals++;
    },
  });
  return { values, error, completed, terminals, afterTerminal };
}

const encoder = new TextEncoder();

/** UTF-8 bytes of a text; numbers are raw bytes, arrays of numbers too. */
export function bytes(...parts: (string | number | readonly number[] | Uint8Array)[]): Uint8Array {
  return concatBytes(
    parts.map((part) =>
      typeof part === 'string'
        ? encoder.encode(part)
        : typeof part === 'number'
          ? Uint8Array.of(part)
          : Uint8Array.from(part),
    ),
  );
}

/** The pieces, one after the other, in one array. */
export function concatBytes(pieces: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(pieces.reduce((sum, piece) => sum + piece.length, 0));
  let offset = 0;
  for (const piece of pieces) {
    out.set(piece, offset);
    offset += piece.length;
  }
  return out;
}

/** A synchronous source delivering each part as one chunk (strings are encoded: the source carries bytes). */
export function chunks(...parts: (string | number | readonly number[] | Uint8Array)[]): Observable<SseChunk> {
  return from(parts.map((part) => bytes(part)));
}

/** A synchronous source delivering every byte of `input` in its own chunk. */
export function byteByByte(input: string | Uint8Array): Observable<SseChunk> {
  const all = typeof input === 'string' ? encoder.encode(input) : input;
  return from(Array.from(all, (byte) => Uint8Array.of(byte)));
}

/**
 * fast-check settings of the proof suites: a fixed seed (override with FC_SEED=<n> to explore), and a failure report
 * that says how to replay. On failure fast-check prints `seed` and `path`; rerun with
 * `FC_SEED=<seed> npx jest <file>` or pass `{ seed, path }` to that `fc.assert`.
 */
export const FC_SEED = Number(process.env['FC_SEED'] ?? 42);

export function configureFastCheck(): void {
  fc.configureGlobal({
    seed: FC_SEED,
    verbose: 1,
    endOnFailure: false,
    reporter: (details) => {
      if (!details.failed) return;
      const replay =
        `\nReplay: FC_SEED=${details.seed} npx jest ${expect.getState().testPath ?? ''} ` +
        `-t ${JSON.stringify(expect.getState().currentTestName ?? '')}\n` +
        `   or: fc.assert(property, { seed: ${details.seed}, path: ${JSON.stringify(details.counterexamplePath)} })\n`;
      throw new Error(`${fc.defaultReportMessage(details)}${replay}`);
    },
  });
}
