/**
 * The order of the repaired output: `response.completed`'s `output` follows the provider's `completed.output` (else
 * its `output_index`es), because clients send `output` back as the next turn's input (a reasoning item must come
 * before the item it led to). An item that came whole waits for an item the provider placed before it, so that the
 * output indexes of the written stream follow the same order; an item the provider's output lacks is kept.
 */
import fc from 'fast-check';
import { Observable } from 'rxjs';
import { type ResponseEvent, StreamClosedError, type WireItem, responseEvents } from '../../lib';
import { type CanonicalWireEvent, serializeEvents } from '../../lib/serialize';
import { type WireJson, applyShape, events as build, items, streamedEvents, toSseText } from '../../lib/testing';
import { configureFastCheck, runSync } from '../proof';
import { output, shape } from '../properties/arbitraries';
import { expectCanonical } from './canonical';

configureFastCheck();

/** Reads the provider's wire events as responses-rx does, then writes the canonical stream. */
function repair(wire: readonly WireJson[]): CanonicalWireEvent[] {
  const read = runSync(responseEvents(toSseText(wire), { idleTimeoutMs: Infinity }));
  expect(read.error).toBeUndefined();
  return write(read.values);
}

function write(events: readonly ResponseEvent[]): CanonicalWireEvent[] {
  const source = new Observable<ResponseEvent>((subscriber) => {
    for (const event of events) subscriber.next(event);
    subscriber.complete();
  });
  const written = runSync(source.pipe(serializeEvents({ generateId: (prefix) => `${prefix}_gen` })));
  expect(written.error).toBeUndefined();
  return written.values;
}

const completedOutput = (written: readonly CanonicalWireEvent[]): WireItem[] =>
  (written.find((event) => event.type === 'response.completed')?.['response'] as { output: WireItem[] }).output;

/** `[output_index, item id]` of every `output_item.added` (or `.done`), in the order written. */
const indexes = (written: readonly CanonicalWireEvent[], type = 'response.output_item.added'): [unknown, unknown][] =>
  written
    .filter((event) => event.type === type)
    .map((event) => [event['output_index'], (event['item'] as WireItem).id]);

const reasoning = items.reasoning('rs_1', 'Think first.');
const message = items.message('msg_1', 'The answer.');

describe('serializeEvents: the order of the output', () => {
  it('writes a final-only provider reasoning first when its completed.output says [reasoning, message], though the message came first', () => {
    // The message comes whole at output_index 1; the reasoning only in completed.output.
    const written = repair(applyShape(streamedEvents([reasoning, message]), 'final-only'));
    expectCanonical(written);
    expect(completedOutput(written).map((item) => item.id)).toEqual(['rs_1', 'msg_1']);
    expect(indexes(written)).toEqual([
      [0, 'rs_1'],
      [1, 'msg_1'],
    ]);
    expect(indexes(written, 'response.output_item.done')).toEqual([
      [0, 'rs_1'],
      [1, 'msg_1'],
    ]);
  });

  it('follows completed.output for a provider that streams the text but not the reasoning (the text is not held back)', () => {
    const written = repair(applyShape(streamedEvents([reasoning, message]), 'no-reasoning-deltas'));
    expect(completedOutput(written).map((item) => item.id)).toEqual(['rs_1', 'msg_1']);
    // The message streamed before the reasoning was known: it keeps the index it was written at.
    expect(indexes(written)).toEqual([
      [0, 'msg_1'],
      [1, 'rs_1'],
    ]);
    expect(written.findIndex((event) => event.type === 'response.output_text.delta')).toBeLessThan(
      written.findIndex((event) => event.type === 'response.reasoning_summary_text.delta'),
    );
  });

  it('orders by output_index when the provider sends no completed.output', () => {
    const announced = [items.message('msg_b', 'second'), items.reasoning('rs_a', 'first')];
    const written = write([
      build.created(),
      build.itemDone(announced[0]!, 1),
      build.itemDone(announced[1]!, 0),
      build.completed([]),
    ]);
    expectCanonical(written);
    expect(completedOutput(written).map((item) => item.id)).toEqual(['rs_a', 'msg_b']);
    expect(indexes(written)).toEqual([
      [0, 'rs_a'],
      [1, 'msg_b'],
    ]);
  });

  it('keeps an item the provider output lacks, after the item that came before it', () => {
    const [a, b, c] = [items.message('msg_a', 'a'), items.message('msg_b', 'b'), items.message('msg_c', 'c')];
    const written = write([
      build.created(),
      build.itemDone(a, 0),
      build.itemDone(b, 1),
      build.itemDone(c, 2),
      build.completed([c, a]),
    ]);
    expect(completedOutput(written).map((item) => item.id)).toEqual(['msg_c', 'msg_a', 'msg_b']);
  });

  it('writes a held item when anything else comes before the item it waits for, and when the source ends or fails', () => {
    const later = items.message('msg_2', 'later');
    const written = write([
      build.created(),
      build.itemDone(later, 2),
      build.textDelta('x', { itemId: 'msg_3', outputIndex: 3 }),
    ]);
    expect(indexes(written)).toEqual([
      [0, 'msg_2'],
      [1, 'msg_3'],
    ]);
    const ended = write([build.created(), build.itemDone(later, 2)]);
    expect(indexes(ended, 'response.output_item.done')).toEqual([[0, 'msg_2']]);
    // A source error: the held item, then the terminal event.
    const failed = runSync(
      new Observable<ResponseEvent>((subscriber) => {
        subscriber.next(build.created());
        subscriber.next(build.itemDone(later, 2));
        subscriber.error(new StreamClosedError());
      }).pipe(serializeEvents()),
    ).values;
    expect(failed.map((event) => event.type).slice(-2)).toEqual(['response.output_item.done', 'error']);
  });

  it('repairs any provider shape to the order of its items, with output indexes in that order (property)', () => {
    fc.assert(
      fc.property(output, shape, (items, providerShape) => {
        const written = repair(applyShape(streamedEvents(items), providerShape));
        const ids = items.map((item) => item.id);
        expect(completedOutput(written).map((item) => item.id)).toEqual(ids);
        // Output indexes follow that order too, unless an item streamed before one placed ahead of it surfaced (a
        // provider that streams text but not reasoning).
        const streamedAhead =
          providerShape === 'no-reasoning-deltas' && items.some((item) => item.type === 'reasoning');
        if (!streamedAhead) {
          expectCanonical(written);
          expect(indexes(written, 'response.output_item.done')).toEqual(ids.map((id, index) => [index, id]));
        }
      }),
    );
  });
});
