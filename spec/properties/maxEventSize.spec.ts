/**
 * Property: `maxEventSize` gives the same result for the same bytes however they are chunked — one chunk, random
 * cuts (inside CRLFs and multi-byte characters too), one byte per chunk, or the decoded text — with events whose
 * data, name, id and comments sit below, at and above the limit, which counts UTF-16 code units, not bytes.
 */
import fc from 'fast-check';
import { from } from 'rxjs';
import { EventTooLargeError, type SseChunk, type SseMessage, fromSSE, responseEvents } from '../../lib';
import { splitAt, toSseText, wire } from '../../lib/testing';
import { byteByByte, configureFastCheck, runSync } from '../proof';
import { cutsOf } from './arbitraries';
import type { Observable } from 'rxjs';

configureFastCheck();

const encoder = new TextEncoder();

/** 1 to 4 UTF-8 bytes, 1 or 2 UTF-16 code units each. */
const unit = fc.constantFrom('a', ' ', 'é', '€', '😀');

/** A string of about `limit` UTF-16 code units (below, at or just above it) or a short one. */
function sized(limit: number, minLength = 0): fc.Arbitrary<string> {
  return fc
    .oneof(fc.integer({ min: Math.max(minLength, limit - 3), max: limit + 3 }), fc.integer({ min: minLength, max: 4 }))
    .chain((target) => fc.array(unit, { minLength: target, maxLength: target }))
    .map((parts) => parts.join(''));
}

type Block =
  | { readonly kind: 'event'; readonly lines: string[]; readonly name?: string; readonly id?: string }
  | { readonly kind: 'comment'; readonly text: string };

function blocks(limit: number): fc.Arbitrary<Block[]> {
  const event = fc.record(
    {
      kind: fc.constant('event' as const),
      lines: fc.array(sized(Math.floor(limit / 2)), { minLength: 1, maxLength: 3 }).chain((halves) =>
        // one line of about the limit, or several shorter ones that join to about it
        fc.oneof(
          fc.constant(halves),
          sized(limit).map((line) => [line]),
        ),
      ),
      name: sized(limit, 1),
      id: sized(limit),
    },
    { requiredKeys: ['kind', 'lines'] },
  );
  const comment = fc.record({ kind: fc.constant('comment' as const), text: sized(limit) });
  return fc.array(fc.oneof({ arbitrary: event, weight: 3 }, { arbitrary: comment, weight: 1 }), {
    minLength: 1,
    maxLength: 6,
  });
}

function textOf(list: readonly Block[], eol: string, terminated: boolean): string {
  const text = list
    .map((block) => {
      if (block.kind === 'comment') return `: ${block.text}${eol}`;
      const fields = [
        ...(block.name === undefined ? [] : [`event: ${block.name}`]),
        ...(block.id === undefined ? [] : [`id: ${block.id}`]),
        ...block.lines.map((line) => `data: ${line}`),
      ];
      return `${fields.join(eol)}${eol}${eol}`;
    })
    .join('');
  return terminated ? text : text.slice(0, -eol.length); // the last blank line may never come
}

/** What the SSE layer must give: every message up to the first one over the limit, then the error. */
function expected(list: readonly Block[], limit: number) {
  const values: SseMessage[] = [];
  for (const block of list) {
    if (block.kind === 'comment') {
      if (block.text.length > limit) return { values, error: { code: 'event_too_large', maxEventSize: limit } };
      values.push({ type: 'comment', comment: block.text });
      continue;
    }
    const data = block.lines.join('\n');
    if (data.length > limit || (block.name?.length ?? 0) > limit || (block.id?.length ?? 0) > limit)
      return { values, error: { code: 'event_too_large', maxEventSize: limit } };
    values.push({ type: 'event', data, event: block.name, id: block.id });
  }
  return { values, error: undefined };
}

function outcome(source: Observable<SseChunk> | string, limit: number) {
  const result = runSync(fromSSE(source, { maxEventSize: limit }));
  expect(result.terminals).toBe(1);
  const error = result.error as EventTooLargeError | undefined;
  return {
    values: result.values.map((m) => (m.type === 'event' ? { ...m, unterminated: undefined } : m)),
    error: error && { code: error.code, maxEventSize: error.maxEventSize },
  };
}

const sseCase = fc
  .record({
    limit: fc.integer({ min: 4, max: 40 }),
    eol: fc.constantFrom('\n', '\r\n', '\r'),
    terminated: fc.boolean(),
  })
  .chain((c) => blocks(c.limit).map((list) => ({ ...c, list, text: textOf(list, c.eol, c.terminated) })))
  .chain((c) => {
    const bytes = encoder.encode(c.text);
    return fc.tuple(fc.constant({ ...c, bytes }), cutsOf(bytes));
  });

describe('maxEventSize (property)', () => {
  it('fails the same event with EventTooLargeError for any chunking of the same bytes', () => {
    let failed = 0;
    let atLimit = 0;
    fc.assert(
      fc.property(sseCase, ([c, cuts]) => {
        const want = expected(c.list, c.limit);
        const wantValues = want.values.map((m) => (m.type === 'event' ? { ...m, unterminated: undefined } : m));
        const whole = outcome(from([c.bytes]), c.limit);
        expect(whole).toEqual({ values: wantValues, error: want.error });
        expect(outcome(from(splitAt(c.bytes, cuts)), c.limit)).toEqual(whole);
        expect(outcome(byteByByte(c.bytes), c.limit)).toEqual(whole);
        expect(outcome(c.text, c.limit)).toEqual(whole);
        if (want.error !== undefined) failed++;
        if (c.list.some((b) => b.kind === 'event' && b.lines.join('\n').length === c.limit)) atLimit++;
      }),
      { numRuns: 300 },
    );
    // the runs covered both sides of the limit, and data exactly at it
    expect(failed).toBeGreaterThan(30);
    expect(atLimit).toBeGreaterThan(10);
  });

  it('gives responseEvents the same events or the same error for any chunking', () => {
    const responses = fc
      .record({ limit: fc.integer({ min: 200, max: 400 }), deltas: fc.array(sized(300), { maxLength: 4 }) })
      .chain((c) => {
        const text = toSseText([wire.created(), ...c.deltas.map((d) => wire.textDelta(d)), wire.completed()]);
        const bytes = encoder.encode(text);
        return fc.tuple(fc.constant({ ...c, text, bytes }), cutsOf(bytes));
      });
    const result = (source: Observable<SseChunk> | string, limit: number) => {
      const r = runSync(responseEvents(source, { maxEventSize: limit, idleTimeoutMs: Infinity }));
      const error = r.error as EventTooLargeError | undefined;
      return {
        values: r.values,
        completed: r.completed,
        error: error && { code: error.code, max: error.maxEventSize },
      };
    };
    fc.assert(
      fc.property(responses, ([c, cuts]) => {
        const whole = result(from([c.bytes]), c.limit);
        expect(result(from(splitAt(c.bytes, cuts)), c.limit)).toEqual(whole);
        expect(result(byteByByte(c.bytes), c.limit)).toEqual(whole);
        expect(result(c.text, c.limit)).toEqual(whole);
        const tooLarge = c.text.split('\n').some((line) => line.startsWith('data: ') && line.length - 6 > c.limit);
        expect(whole.error === undefined ? 'completed' : whole.error.code).toBe(
          tooLarge ? EventTooLargeError.code : 'completed',
        );
      }),
      { numRuns: 60 },
    );
  });
});
