/**
 * Nothing is read after the consumer left: neither after `completed` nor after an unsubscription, a synchronous
 * source included (issue 9, defect 1).
 */
import { Observable, from, take } from 'rxjs';
import { idleTimeout, responseEvents } from '../../lib';
import { items, toSseText, wire } from '../../lib/testing';
import { collect } from '../support';

/** Chunks pulled through an iterator, counting each read. */
function counted<T>(chunks: readonly T[]): { readonly iterable: Iterable<T>; reads: () => number } {
  let reads = 0;
  return {
    iterable: {
      *[Symbol.iterator]() {
        for (const chunk of chunks) {
          reads++;
          yield chunk;
        }
      },
    },
    reads: () => reads,
  };
}

describe('reading stops when the consumer leaves', () => {
  const at = { itemId: 'msg_1', outputIndex: 0 };
  const before = [wire.created(), wire.textDelta('Hel', at), wire.textDelta('lo', at), wire.textDelta('!', at)];
  const completed = wire.completed([items.message('msg_1', 'Hello!')]);
  // 4 chunks, then `completed` in chunk 5, then 8,750 more chunks the server keeps sending.
  const chunks = [
    ...before.map((event) => toSseText([event])),
    toSseText([completed]),
    ...Array.from({ length: 8_750 }, (_, i) => toSseText([wire.textDelta(`late ${i}`, at)])),
  ];

  it('reads a synchronous source only up to the chunk holding response.completed', async () => {
    expect(chunks).toHaveLength(8_755);
    const source = counted(chunks);
    const result = await collect(responseEvents(from(source.iterable), { idleTimeoutMs: 60_000 }));
    expect(result.completed).toBe(true);
    expect(result.values.at(-1)?.type).toBe('completed');
    expect(source.reads()).toBe(5);
  });

  it('reads a synchronous source no further than the chunk the consumer unsubscribed in', async () => {
    const source = counted(chunks);
    // The first event (`created`) comes from chunk 1.
    const result = await collect(responseEvents(from(source.iterable), { idleTimeoutMs: 60_000 }).pipe(take(1)));
    expect(result.values.map((event) => event.type)).toEqual(['created']);
    expect(source.reads()).toBe(1);
  });

  it('returns from an endless synchronous source through idleTimeout and take(1)', () => {
    // Endless unless the subscriber closes; capped so that a regression fails the assertion instead of hanging.
    const cap = 1_000_000;
    let emitted = 0;
    const endless = new Observable<number>((subscriber) => {
      while (!subscriber.closed && emitted < cap) subscriber.next(emitted++);
    });
    const values: number[] = [];
    endless.pipe(idleTimeout(1_000), take(1)).subscribe((value) => values.push(value));
    expect(values).toEqual([0]);
    expect(emitted).toBe(1);
  });
});
