import { from, map, take } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { MalformedEventError, ProtocolMismatchError, ResponseFailedError, toWireEvents } from 'responses-rx';
import type { SequenceAnomaly, SequenceGap, SseMessage } from 'responses-rx';
import { createTestScheduler, wire } from 'responses-rx/testing';
import { synchronousSource } from './support';

const msg = (json: object | string, event?: string): SseMessage => ({
  type: 'event',
  data: typeof json === 'string' ? json : JSON.stringify(json),
  event,
});
const seq = (json: object, n: number) => ({ ...json, sequence_number: n });

const created = wire.created();
const delta = wire.textDelta('Hi');
const v = {
  k: { type: 'comment', comment: 'keep-alive' } as SseMessage,
  c: msg(created),
  t: msg(delta),
  x: msg('{"type":"response.output_text.delta",'),
  m: msg({ type: 'response.output_text.delta' }),
  D: msg('[DONE]'),
  u: msg({ type: 'response.something_new', foo: 1 }),
  n: msg(delta, 'response.completed'),
  h: msg({ id: 'chatcmpl-1', object: 'chat.completion.chunk', choices: [{ delta: { content: 'Hi' } }] }),
};

describe('toWireEvents', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = createTestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('parses events and ignores comments, [DONE] and unknown event types', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-k-c-u-t-D-|', v);
      expectObservable(source.pipe(toWireEvents())).toBe('---c---t---|', { c: created, t: delta });
      expectSubscriptions(source.subscriptions).toBe('^----------!');
    });
  });

  it('lets the JSON type decide, not the SSE event name', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-n|', v);
      expectObservable(source.pipe(toWireEvents())).toBe('-t|', { t: delta });
      expectSubscriptions(source.subscriptions).toBe('^-!');
    });
  });

  it('fails with MalformedEventError on invalid JSON and on a known event missing a field', () => {
    const errors: MalformedEventError[] = [];
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-x-t|', v);
      expectObservable(source.pipe(toWireEvents())).toBe('-c-#', { c: created }, expect.any(MalformedEventError));
      expectSubscriptions(source.subscriptions).toBe('^--!');
      const missing = cold('-m', v);
      missing.pipe(toWireEvents()).subscribe({ error: (e: MalformedEventError) => errors.push(e) });
      expectSubscriptions(missing.subscriptions).toBe('^!');
    });
    expect(errors[0]).toBeInstanceOf(MalformedEventError);
    expect(errors[0]).toMatchObject({
      code: 'malformed_event',
      retryable: false,
      eventType: 'response.output_text.delta',
    });
    expect(errors[0]?.issues.map((i) => i.path)).toEqual([['delta']]);
    expect(errors[0]?.raw).toBe('{"type":"response.output_text.delta"}');
  });

  it("skips malformed events with onMalformed: 'skip'", () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-x-m-t|', v);
      expectObservable(source.pipe(toWireEvents({ onMalformed: 'skip' }))).toBe('-c-----t|', {
        c: created,
        t: delta,
      });
      expectSubscriptions(source.subscriptions).toBe('^-------!');
    });
  });

  it('fails with ProtocolMismatchError on a Chat Completions stream, even when skipping malformed events', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-h-t', v);
      expectObservable(source.pipe(toWireEvents({ onMalformed: 'skip' }))).toBe(
        '-#',
        {},
        expect.any(ProtocolMismatchError),
      );
      expectSubscriptions(source.subscriptions).toBe('^!');
    });
  });

  it('fails with ResponseFailedError on an error object without a type, and on a chat chunk carrying an error mid-stream', () => {
    const errorObject = msg({ error: { code: 'upstream_error', type: 'server_error', message: 'no route' } });
    const chunkError = msg({ object: 'chat.completion.chunk', choices: [], error: { message: 'overloaded' } });
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const bare = cold('-c-e-t|', { ...v, e: errorObject });
      expectObservable(bare.pipe(toWireEvents({ onMalformed: 'skip' }))).toBe(
        '-c-#',
        { c: created },
        new ResponseFailedError({ serverCode: 'upstream_error', serverMessage: 'no route', source: 'error' }),
      );
      expectSubscriptions(bare.subscriptions).toBe('^--!');
      const midStream = cold('-c-e-|', { ...v, e: chunkError });
      expectObservable(midStream.pipe(toWireEvents())).toBe(
        '-c-#',
        { c: created },
        new ResponseFailedError({ serverMessage: 'overloaded', source: 'chat.completion.chunk' }),
      );
      expectSubscriptions(midStream.subscriptions).toBe('^--!');
      const first = cold('-e-c-|', { ...v, e: chunkError });
      expectObservable(first.pipe(toWireEvents())).toBe('-#', {}, expect.any(ProtocolMismatchError));
      expectSubscriptions(first.subscriptions).toBe('^!');
    });
  });

  it('drops an event that repeats an earlier one, delivers a new event under a repeated number, reports each', () => {
    const gaps: SequenceGap[] = [];
    const anomalies: SequenceAnomaly[] = [];
    const s = {
      a: msg(seq(created, 0)),
      b: msg(seq(delta, 1)),
      B: msg(seq(wire.textDelta('again'), 1)),
      z: msg(seq(wire.textDelta('old'), 0)),
      e: msg(seq(wire.textDelta('later'), 4)),
    };
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-b-b-B-z-B-e|', s);
      const result = source.pipe(
        toWireEvents({ onSequenceGap: (gap) => gaps.push(gap), onSequenceAnomaly: (a) => anomalies.push(a) }),
        map((e) => (e.type === 'response.output_text.delta' ? e.delta : e.type)),
      );
      expectObservable(result).toBe('-a-b---B-z---e|', {
        a: 'response.created',
        b: 'Hi',
        B: 'again',
        z: 'old',
        e: 'later',
      });
      expectSubscriptions(source.subscriptions).toBe('^-------------!');
    });
    expect(anomalies).toEqual([
      { kind: 'replay', expected: 2, received: 1 },
      { kind: 'repeat', expected: 2, received: 1 },
      { kind: 'repeat', expected: 2, received: 0 },
      { kind: 'replay', expected: 2, received: 1 },
      { kind: 'gap', expected: 2, received: 4 },
    ]);
    expect(gaps).toEqual([{ expected: 2, received: 4 }]);
  });

  it('tells a replay from a new event: whole data under the latest number, a digest under the 256 before', () => {
    const anomalies: SequenceAnomaly[] = [];
    // Numbers 0-9, then: 9 with another text of the same length (new: the latest number compares its data whole),
    // 2 again as it was (a replay), 2 with a longer text (new).
    const s = {
      ...Object.fromEntries(
        'abcdefghij'.split('').map((letter, n) => [letter, msg(seq(wire.textDelta(letter.repeat(3)), n))]),
      ),
      R: msg(seq(wire.textDelta('ccc'), 2)),
      N: msg(seq(wire.textDelta('cccc'), 2)),
      L: msg(seq(wire.textDelta('jjk'), 9)),
    };
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('abcdefghijLRN|', s);
      const result = source.pipe(
        toWireEvents({ onSequenceAnomaly: (a) => anomalies.push(a) }),
        map((e) => (e.type === 'response.output_text.delta' ? e.delta : e.type)),
      );
      expectObservable(result).toBe('abcdefghijL-N|', {
        ...Object.fromEntries('abcdefghij'.split('').map((letter) => [letter, letter.repeat(3)])),
        N: 'cccc',
        L: 'jjk',
      });
      expectSubscriptions(source.subscriptions).toBe('^------------!');
    });
    expect(anomalies).toEqual([
      { kind: 'repeat', expected: 10, received: 9 },
      { kind: 'replay', expected: 10, received: 2 },
      { kind: 'repeat', expected: 10, received: 2 },
    ]);
  });

  it('drops a replay of an event under a number that a new event repeated since', () => {
    // 0 and 1; a new event under 0 makes 0 the latest number again; then 0 as it first came is a replay, and so is the
    // new one: both are under the latest number now, one known whole, the other by its digest.
    const anomalies: SequenceAnomaly[] = [];
    const s = {
      a: msg(seq(wire.textDelta('first'), 0)),
      b: msg(seq(wire.textDelta('second'), 1)),
      N: msg(seq(wire.textDelta('new'), 0)),
    };
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('abNaN|', s);
      const result = source.pipe(
        toWireEvents({ onSequenceAnomaly: (a) => anomalies.push(a) }),
        map((e) => (e.type === 'response.output_text.delta' ? e.delta : e.type)),
      );
      expectObservable(result).toBe('abN--|', { a: 'first', b: 'second', N: 'new' });
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
    expect(anomalies.map((a) => a.kind)).toEqual(['repeat', 'replay', 'replay']);
  });

  it('never drops a new event under a restarted number: the same length and ends are not the same data', () => {
    // A gateway that numbers each item from 0: the second item's deltas reuse the first item's numbers, with texts of
    // the same length that differ only inside. Every one is new (a repeat), none a replay; nothing may be lost.
    const first = Array.from({ length: 40 }, (_, n) => `a${String.fromCharCode(97 + (n % 26))}a`);
    const second = first.map((_, n) => `a${String.fromCharCode(98 + (n % 25))}a`);
    const events = [
      ...first.map((text, n) => msg(seq(wire.textDelta(text), n))),
      ...second.map((text, n) => msg(seq(wire.textDelta(text), n))),
    ];
    const anomalies: SequenceAnomaly[] = [];
    const texts: string[] = [];
    from(events)
      .pipe(toWireEvents({ onSequenceAnomaly: (a) => anomalies.push(a) }))
      .subscribe((e) => {
        if (e.type === 'response.output_text.delta') texts.push(e.delta);
      });
    expect(texts).toEqual([...first, ...second]);
    expect(anomalies.filter((a) => a.kind === 'replay')).toEqual([]);
  });

  it('never drops new function-call arguments under a restarted number: long chunks that differ inside', () => {
    const chunk = (n: number, letter: string) => `{"query": "${letter.repeat(40)}", "page": ${n % 10}}`;
    const first = Array.from({ length: 20 }, (_, n) => chunk(n, 'a'));
    const second = Array.from({ length: 20 }, (_, n) => chunk(n, 'b'));
    const args = (text: string, n: number) =>
      msg(seq({ type: 'response.function_call_arguments.delta', item_id: 'fc_1', output_index: 0, delta: text }, n));
    const delivered: string[] = [];
    from([...first.map(args), ...second.map(args)])
      .pipe(toWireEvents())
      .subscribe((e) => {
        if (e.type === 'response.function_call_arguments.delta') delivered.push(e.delta);
      });
    expect(delivered).toEqual([...first, ...second]);
  });

  describe('never drops a new delta under an older repeated number that differs from the earlier one only in', () => {
    // OpenAI's field order, and its `obfuscation` padding: delta text plus padding is a fixed size (16, or 32), so two
    // sends of one text have data of one length that differ only in the padding's random characters.
    const ID = 'msg_01830d662ab3856501693c32183a488190a612c410a0a39823';
    const delta = (n: number, text: string, obfuscation: string, logprobs = '[]'): SseMessage => ({
      type: 'event',
      data:
        `{"type":"response.output_text.delta","sequence_number":${n},"item_id":"${ID}","output_index":0,` +
        `"content_index":0,"delta":${JSON.stringify(text)},"logprobs":${logprobs},"obfuscation":"${obfuscation}"}`,
    });
    /** A gateway that numbers each round from 0: the second round repeats the first one's numbers. */
    const read = (messages: SseMessage[]) => {
      const texts: string[] = [];
      const kinds: SequenceAnomaly['kind'][] = [];
      from(messages)
        .pipe(toWireEvents({ onSequenceAnomaly: (a) => kinds.push(a.kind) }))
        .subscribe((e) => {
          if (e.type === 'response.output_text.delta') texts.push(e.delta);
        });
      return { texts, kinds };
    };

    it('its padding (13 random characters, the common case)', () => {
      const first = [delta(0, 'The', 'o6siFnnjPfOpq'), delta(1, ' end', 'b'.repeat(12)), delta(2, '.', 'c'.repeat(15))];
      const second = [delta(0, 'The', 'XVAoDXXbkEabc'), delta(1, ' sum', 'd'.repeat(12))];
      expect(read([...first, ...second])).toEqual({
        texts: ['The', ' end', '.', 'The', ' sum'],
        kinds: ['repeat', 'repeat'],
      });
    });

    it('its padding, in one of its last four characters (the ones the digest reads)', () => {
      for (const [a, b] of [
        ['aaaaaaaaaaaaX', 'aaaaaaaaaaaaY'],
        ['aaaaaaaaaXaaa', 'aaaaaaaaaYaaa'],
        ['Xa', 'Ya'],
      ] as const) {
        const first = [delta(0, 'The', a), delta(1, ' end', 'b'.repeat(12)), delta(2, '.', 'c'.repeat(15))];
        const second = [delta(0, 'The', b)];
        expect(read([...first, ...second]).texts).toEqual(['The', ' end', '.', 'The']);
      }
    });

    it('its padding (29 characters that differ all along)', () => {
      const first = [delta(0, 'The', 'A'.repeat(29)), delta(1, ' end', 'b'.repeat(12)), delta(2, '.', 'c'.repeat(15))];
      const second = [delta(0, 'The', 'Z'.repeat(29)), delta(1, ' sum', 'd'.repeat(12))];
      expect(read([...first, ...second]).texts).toEqual(['The', ' end', '.', 'The', ' sum']);
    });

    it('its logprobs', () => {
      const lp = (v: string) => `[{"token":"The","logprob":${v},"bytes":[84,104,101],"top_logprobs":[]}]`;
      const first = [delta(0, 'The', 'o6siFnnjPfOpq', lp('-0.0123')), delta(1, ' end', 'b'.repeat(12))];
      const second = [delta(0, 'The', 'o6siFnnjPfOpq', lp('-0.9871')), delta(1, ' sum', 'd'.repeat(12))];
      expect(read([...first, ...second]).texts).toEqual(['The', ' end', 'The', ' sum']);
    });

    it('as under the latest number, where the data is compared whole', () => {
      const latest = read([
        delta(0, 'x', 'q'.repeat(15)),
        delta(1, 'The', 'o6siFnnjPfOpq'),
        delta(1, 'The', 'XVAoDXXbkEabc'),
      ]);
      expect(latest).toEqual({ texts: ['x', 'The', 'The'], kinds: ['repeat'] });
      const replayed = read([
        delta(0, 'The', 'o6siFnnjPfOpq'),
        delta(1, ' end', 'b'.repeat(12)),
        delta(0, 'The', 'o6siFnnjPfOpq'),
      ]);
      expect(replayed).toEqual({ texts: ['The', ' end'], kinds: ['replay'] });
    });
  });

  it('never drops a new long delta under a restarted number: texts that differ in their last character', () => {
    const args = (text: string, n: number) =>
      msg(seq({ type: 'response.function_call_arguments.delta', item_id: 'fc_1', output_index: 0, delta: text }, n));
    const first = `${'x'.repeat(1000)}A`;
    const again = `${'x'.repeat(1000)}B`;
    const delivered: string[] = [];
    from([args(first, 1), args('y', 2), args(again, 1)])
      .pipe(toWireEvents())
      .subscribe((e) => {
        if (e.type === 'response.function_call_arguments.delta') delivered.push(e.delta);
      });
    expect(delivered).toEqual([first, 'y', again]);
  });

  it('never drops a new item under a restarted number: items whose ids differ in one character', () => {
    // Each upstream round numbered from 0, at output_index 0, its item id one counter apart: every event is new.
    const round = (k: number) => {
      const item = {
        type: 'message' as const,
        id: `msg_${k}`,
        role: 'assistant' as const,
        status: 'in_progress' as const,
        content: [],
      };
      return [
        wire.outputItemAdded(item, 0),
        wire.textDelta('ok', { itemId: `msg_${k}`, outputIndex: 0 }),
        wire.outputItemDone(
          { ...item, status: 'completed', content: [{ type: 'output_text', text: 'ok', annotations: [] }] },
          0,
        ),
      ].map((json, n) => msg(seq(json, n)));
    };
    const delivered: string[] = [];
    from([...round(1), ...round(2), ...round(3)])
      .pipe(toWireEvents())
      .subscribe((e) => {
        const { item_id, item } = e as { item_id?: string; item?: { id?: string } };
        delivered.push(`${e.type} ${item_id ?? item?.id ?? ''}`);
      });
    expect(delivered).toEqual(
      [1, 2, 3].flatMap((k) => [
        `response.output_item.added msg_${k}`,
        `response.output_text.delta msg_${k}`,
        `response.output_item.done msg_${k}`,
      ]),
    );
  });

  it('never drops a new delta of another item under a restarted number: two items interleaved', () => {
    // Two calls streamed side by side, each numbered from 0 and at output_index 0, with the same deltas: only the item
    // id tells them apart, and it changes from one event to the next (a digest that cached an id's mix would have to
    // notice). Then a reconnect replays two of them.
    const args = (itemId: string, text: string, n: number) =>
      msg(seq({ type: 'response.function_call_arguments.delta', item_id: itemId, output_index: 0, delta: text }, n));
    const kinds: SequenceAnomaly['kind'][] = [];
    const delivered: string[] = [];
    from([
      ...[args('fc_a', '{"', 0), args('fc_a', 'x', 1), args('fc_a', 'y', 2)],
      ...[args('fc_b', '{"', 0), args('fc_a', 'z', 3), args('fc_b', 'x', 1)],
      ...[args('fc_a', 'x', 1), args('fc_b', 'x', 1)],
    ])
      .pipe(toWireEvents({ onSequenceAnomaly: (a) => kinds.push(a.kind) }))
      .subscribe((e) => {
        if (e.type === 'response.function_call_arguments.delta') delivered.push(`${e.item_id} ${e.delta}`);
      });
    expect(delivered).toEqual(['fc_a {"', 'fc_a x', 'fc_a y', 'fc_b {"', 'fc_a z', 'fc_b x']);
    expect(kinds).toEqual(['repeat', 'repeat', 'replay', 'replay']);
  });

  it('counts unknown events in the sequence, so skipping them is no gap', () => {
    const gaps: SequenceGap[] = [];
    const s = {
      a: msg(seq(created, 0)),
      u: msg(seq({ type: 'response.future_tool.searching' }, 1)),
      b: msg(seq(delta, 2)),
    };
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-u-b|', s);
      expectObservable(
        source.pipe(
          toWireEvents({ onSequenceGap: (g) => gaps.push(g) }),
          map((e) => e.type),
        ),
      ).toBe('-a---b|', { a: 'response.created', b: 'response.output_text.delta' });
      expectSubscriptions(source.subscriptions).toBe('^-----!');
    });
    expect(gaps).toEqual([]);
  });

  it("passes events of an unknown type on, wrapped, with unknownEvent: 'emit'", () => {
    const future = { type: 'response.something_new', foo: 1 };
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-u-t-|', v);
      expectObservable(source.pipe(toWireEvents({ unknownEvent: 'emit' }))).toBe('-c-u-t-|', {
        c: created,
        u: { type: 'unknown', wireType: 'response.something_new', event: future },
        t: delta,
      });
      expectSubscriptions(source.subscriptions).toBe('^------!');
    });
  });

  it('rejects bad options when created, before anything subscribes', () => {
    scheduler.run(({ cold, expectSubscriptions }) => {
      const source = cold('-c-|', v);
      expect(() => source.pipe(toWireEvents({ onMalformed: 'ignore' as 'skip' }))).toThrow(TypeError);
      expect(() => source.pipe(toWireEvents({ onSequenceGap: 3 as unknown as () => void }))).toThrow(TypeError);
      expect(() => source.pipe(toWireEvents({ unknownEvent: 'error' as 'emit' }))).toThrow(TypeError);
      expectSubscriptions(source.subscriptions).toBe([]);
    });
  });

  it('unsubscribes early', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-t-t-|', v);
      expectObservable(source.pipe(toWireEvents()), '^--!').toBe('-c-', { c: created });
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('does not break the unsubscription chain', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-t-t-|', v);
      const result = source.pipe(
        map((x) => x),
        toWireEvents(),
        map((x) => x.type),
      );
      expectObservable(result, '^--!').toBe('-c-', { c: 'response.created' });
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('stops listening to a synchronous source when unsubscribed', () => {
    scheduler.run(({ expectObservable, expectSubscriptions }) => {
      const { source, emitted, subscriptions } = synchronousSource(scheduler, () => v.t);
      expectObservable(source.pipe(toWireEvents(), take(2))).toBe('(tt|)', { t: delta });
      scheduler.flush();
      expect(emitted).toHaveLength(2);
      expectSubscriptions(subscriptions).toBe('(^!)');
    });
  });

  it('a callback that throws errors the stream', () => {
    const error = new Error('onSequenceGap failed');
    const s = { a: msg(seq(created, 0)), e: msg(seq(delta, 4)), f: msg(seq(delta, 5)) };
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-e-f-|', s);
      const result = source.pipe(
        toWireEvents({
          onSequenceGap: () => {
            throw error;
          },
        }),
        map((e) => e.sequence_number),
      );
      expectObservable(result).toBe('-a-#', { a: 0 }, error);
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });
});
