import { map, take } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  type ResponseEvent,
  ResponseCancelledError,
  ResponseFailedError,
  ResponseIncompleteError,
  StreamClosedError,
} from 'responses-rx';
import { type CanonicalWireEvent, encodeSSE, serializeEvents } from 'responses-rx/serialize';
import { createTestScheduler, events, items } from 'responses-rx/testing';
import { synchronousSource } from './support';

/** Canonical wire events, numbered in the order a test lists them. */
function numbered(...list: Omit<CanonicalWireEvent, 'sequence_number'>[]): CanonicalWireEvent[] {
  return list.map((event, i) => ({ ...event, sequence_number: i }) as CanonicalWireEvent);
}

const options = { createdAt: 100, model: 'gpt-test', chunkSize: 3, generateId: (prefix: string) => `${prefix}_new` };
const response = {
  id: 'resp_1',
  object: 'response',
  created_at: 100,
  status: 'in_progress',
  model: 'gpt-test',
  output: [],
};
const at = (index: number, id = 'msg_1') => ({ item_id: id, output_index: index });
const message = items.message('msg_1', 'Hello');
const reasoning = items.reasoning('rs_1', 'Hmm');

describe('serializeEvents', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = createTestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('streams a final-only answer: each item announced in the provider order, its text as deltas of chunkSize, then response.completed', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      // The message comes whole at output_index 1; the reasoning at index 0 only when completed recovers it: the
      // message waits for it, so that the written indexes follow the provider's order.
      const source = cold('cpm--r--------------C|', {
        c: events.created('resp_1'),
        p: { type: 'inProgress', responseId: 'resp_1' } as ResponseEvent,
        m: events.itemDone(message, 1),
        r: events.itemDone(reasoning, 0, true),
        C: events.completed([reasoning, message]),
      });
      const [created, inProgress, ...rest] = numbered(
        { type: 'response.created', response },
        { type: 'response.in_progress', response },
        { type: 'response.output_item.added', output_index: 0, item: { ...reasoning, summary: [] } },
        {
          type: 'response.reasoning_summary_part.added',
          ...at(0, 'rs_1'),
          summary_index: 0,
          part: { type: 'summary_text', text: '' },
        },
        { type: 'response.reasoning_summary_text.delta', ...at(0, 'rs_1'), summary_index: 0, delta: 'Hmm' },
        { type: 'response.reasoning_summary_text.done', ...at(0, 'rs_1'), summary_index: 0, text: 'Hmm' },
        {
          type: 'response.reasoning_summary_part.done',
          ...at(0, 'rs_1'),
          summary_index: 0,
          part: { type: 'summary_text', text: 'Hmm' },
        },
        { type: 'response.output_item.done', output_index: 0, item: reasoning },
        {
          type: 'response.output_item.added',
          output_index: 1,
          item: { ...message, status: 'in_progress', content: [] },
        },
        {
          type: 'response.content_part.added',
          ...at(1),
          content_index: 0,
          part: { type: 'output_text', text: '', annotations: [] },
        },
        { type: 'response.output_text.delta', ...at(1), content_index: 0, delta: 'Hel', logprobs: [] },
        { type: 'response.output_text.delta', ...at(1), content_index: 0, delta: 'lo', logprobs: [] },
        { type: 'response.output_text.done', ...at(1), content_index: 0, text: 'Hello', logprobs: [] },
        {
          type: 'response.content_part.done',
          ...at(1),
          content_index: 0,
          part: { type: 'output_text', text: 'Hello', annotations: [] },
        },
        { type: 'response.output_item.done', output_index: 1, item: message },
        {
          type: 'response.completed',
          response: { id: 'resp_1', object: 'response', status: 'completed', output: [reasoning, message] },
        },
      );
      const r = rest.slice(0, 6);
      const m = rest.slice(6, 13);
      expectObservable(source.pipe(serializeEvents(options))).toBe('cp---(uvwxyz0123456)C|', {
        c: created,
        p: inProgress,
        ...Object.fromEntries(r.map((event, i) => ['uvwxyz'[i], event])),
        ...Object.fromEntries(m.map((event, i) => [String(i), event])),
        C: rest[13],
      });
      expectSubscriptions(source.subscriptions).toBe('^--------------------!');
    });
  });

  it('writes response.in_progress and response.queued when the provider sent them, never on its own', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('cq-C|', {
        c: events.created('resp_1'),
        q: { type: 'queued', responseId: 'resp_1' } as ResponseEvent,
        C: events.completed([]),
      });
      const [c, q, C] = numbered(
        { type: 'response.created', response },
        { type: 'response.queued', response: { ...response, status: 'queued' } },
        { type: 'response.completed', response: { id: 'resp_1', object: 'response', status: 'completed', output: [] } },
      );
      expectObservable(source.pipe(serializeEvents(options))).toBe('cq-C|', { c, q, C });
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
  });

  it('writes streamed deltas as they came, with the provider ids, and announces a part before its first delta', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const announced = { ...message, status: 'in_progress', content: [] };
      const source = cold('a----t---ud----|', {
        a: events.itemAdded(announced, 0),
        t: events.textDelta('Hell', { itemId: 'msg_1', outputIndex: 0 }),
        u: events.textDelta('o', { itemId: 'msg_1', outputIndex: 0 }),
        d: events.itemDone(message, 0),
      });
      const written = numbered(
        { type: 'response.created', response: { ...response, id: 'resp_new' } },
        { type: 'response.output_item.added', output_index: 0, item: announced },
        {
          type: 'response.content_part.added',
          ...at(0),
          content_index: 0,
          part: { type: 'output_text', text: '', annotations: [] },
        },
        { type: 'response.output_text.delta', ...at(0), content_index: 0, delta: 'Hell', logprobs: [] },
        { type: 'response.output_text.delta', ...at(0), content_index: 0, delta: 'o', logprobs: [] },
        { type: 'response.output_text.done', ...at(0), content_index: 0, text: 'Hello', logprobs: [] },
        {
          type: 'response.content_part.done',
          ...at(0),
          content_index: 0,
          part: { type: 'output_text', text: 'Hello', annotations: [] },
        },
        { type: 'response.output_item.done', output_index: 0, item: message },
      );
      const values = Object.fromEntries(written.map((event, i) => [String.fromCharCode(65 + i), event]));
      expectObservable(source.pipe(serializeEvents(options))).toBe('(AB)-(CD)E(FGH)|', values);
      expectSubscriptions(source.subscriptions).toBe('^--------------!');
    });
  });

  it('completes the text of a part whose deltas stopped short, and closes an item never finished at completed', () => {
    const written: CanonicalWireEvent[] = [];
    scheduler.run(({ cold, expectSubscriptions }) => {
      const source = cold('(tdsC|)', {
        t: events.textDelta('He', { itemId: 'msg_1', outputIndex: 0 }),
        d: events.itemDone(message, 0),
        s: events.summaryDelta('Hmm', { itemId: 'rs_1', outputIndex: 1 }),
        C: events.completed([]),
      });
      source.pipe(serializeEvents(options)).subscribe((event) => written.push(event));
      expectSubscriptions(source.subscriptions).toBe('(^!)');
    });
    expect(written.flatMap((event) => (event.type.endsWith('.delta') ? [[event.type, event['delta']]] : []))).toEqual([
      ['response.output_text.delta', 'He'],
      ['response.output_text.delta', 'llo'],
      ['response.reasoning_summary_text.delta', 'Hmm'],
    ]);
    expect(written.at(-1)?.['response']).toMatchObject({ output: [message, reasoning] });
  });

  it('announces a tool call from its first input delta, as the tool the delta names, and streams its input at once', () => {
    const custom = items.customToolCall('ct_1', 'call_1', 'shell', 'ls -la');
    const written: CanonicalWireEvent[] = [];
    scheduler.run(({ cold, expectSubscriptions }) => {
      const source = cold('(itjd|)', {
        i: events.toolInputDelta('ls ', { itemId: 'ct_1', outputIndex: 0 }, 'custom_tool_call'),
        t: events.textDelta('Hi', { itemId: 'msg_1', outputIndex: 1 }),
        j: events.toolInputDelta('-la', { itemId: 'ct_1', outputIndex: 0 }, 'custom_tool_call'),
        d: events.itemDone(custom, 0),
      });
      source.pipe(serializeEvents(options)).subscribe((event) => written.push(event));
      expectSubscriptions(source.subscriptions).toBe('(^!)');
    });
    expect(
      written.slice(1).map((event) => [event.type, event['output_index'], event['delta'] ?? event['item']]),
    ).toEqual([
      ['response.output_item.added', 0, { type: 'custom_tool_call', id: 'ct_1', status: 'in_progress', input: '' }],
      ['response.custom_tool_call_input.delta', 0, 'ls '],
      ['response.output_item.added', 1, { ...message, status: 'in_progress', content: [] }],
      ['response.content_part.added', 1, undefined],
      ['response.output_text.delta', 1, 'Hi'],
      ['response.custom_tool_call_input.delta', 0, '-la'],
      ['response.custom_tool_call_input.done', 0, undefined],
      ['response.output_item.done', 0, custom],
    ]);
  });

  it.each([
    [
      'response.failed',
      new ResponseFailedError({
        serverCode: 'server_error',
        serverMessage: 'boom',
        responseId: 'resp_1',
        source: 'response.failed',
      }),
      {
        response: {
          object: 'response',
          model: 'gpt-test',
          error: { code: 'server_error', message: 'boom' },
          id: 'resp_1',
          status: 'failed',
          output: [],
        },
      },
    ],
    [
      'error',
      new ResponseFailedError({ serverCode: 'rate_limit_exceeded', serverMessage: 'slow down', source: 'error' }),
      { code: 'rate_limit_exceeded', message: 'slow down', param: null },
    ],
    [
      'response.incomplete',
      new ResponseIncompleteError({ reason: 'max_output_tokens', response: { id: 'resp_1', status: 'incomplete' } }),
      {
        response: {
          object: 'response',
          model: 'gpt-test',
          id: 'resp_1',
          status: 'incomplete',
          incomplete_details: { reason: 'max_output_tokens' },
          output: [],
        },
      },
    ],
    [
      'error',
      new StreamClosedError(),
      { code: 'stream_closed', message: new StreamClosedError().message, param: null },
    ],
    [
      'response.cancelled',
      new ResponseCancelledError({ responseId: 'resp_1' }),
      { response: { object: 'response', model: 'gpt-test', id: 'resp_1', status: 'cancelled', output: [] } },
    ],
  ])('writes a source error as the canonical %s event, then completes', (type, error, fields) => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('c---#', { c: events.created('resp_1') }, error);
      const [c, e] = numbered({ type: 'response.created', response }, { type, ...fields });
      expectObservable(source.pipe(serializeEvents(options))).toBe('c---(e|)', { c, e });
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
  });

  it('ignores what follows response.completed', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('C----t-|', { C: events.completed([]), t: events.textDelta('late') });
      const [c, C] = numbered(
        { type: 'response.created', response },
        { type: 'response.completed', response: { id: 'resp_1', object: 'response', status: 'completed', output: [] } },
      );
      expectObservable(source.pipe(serializeEvents(options))).toBe('(cC)---|', { c, C });
      expectSubscriptions(source.subscriptions).toBe('^------!');
    });
  });

  it('rejects a chunkSize that is not a positive integer when created, before anything subscribes', () => {
    scheduler.run(({ cold, expectSubscriptions }) => {
      const source = cold<ResponseEvent>('-c-|', { c: events.created('resp_1') });
      expect(() => source.pipe(serializeEvents({ chunkSize: 0 }))).toThrow(TypeError);
      expect(() => source.pipe(serializeEvents({ chunkSize: 1.5 }))).toThrow(TypeError);
      expectSubscriptions(source.subscriptions).toBe([]);
    });
  });

  it('never cuts a surrogate pair in two deltas', () => {
    const collected: CanonicalWireEvent[] = [];
    scheduler.run(({ cold, expectSubscriptions }) => {
      const source = cold('(m|)', { m: events.itemDone(items.message('msg_1', '😀😀😀'), 0) });
      source.pipe(serializeEvents({ chunkSize: 1 })).subscribe((event) => collected.push(event));
      expectSubscriptions(source.subscriptions).toBe('(^!)');
    });
    const deltas = collected.flatMap((event) => (event.type === 'response.output_text.delta' ? [event['delta']] : []));
    expect(deltas).toEqual(['😀', '😀', '😀']);
  });

  it('unsubscribes early', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-t-t-|', { c: events.created('resp_1'), t: events.textDelta('x') });
      const [c] = numbered({ type: 'response.created', response });
      expectObservable(source.pipe(serializeEvents(options)), '^--!').toBe('-c', { c });
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('does not break the unsubscription chain', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-t-t-|', { c: events.created('resp_1'), t: events.textDelta('x') });
      const result = source.pipe(
        map((event) => event),
        serializeEvents(options),
        map((event) => event),
      );
      const [c] = numbered({ type: 'response.created', response });
      expectObservable(result, '^--!').toBe('-c', { c });
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('stops listening to a synchronous source when unsubscribed', () => {
    scheduler.run(({ expectObservable, expectSubscriptions }) => {
      const delta = events.textDelta('x', { itemId: 'msg_1', outputIndex: 0 });
      const { source, emitted, subscriptions } = synchronousSource(scheduler, () => delta);
      const result = source.pipe(
        serializeEvents(),
        map((event) => event.type),
        take(5),
      );
      expectObservable(result).toBe('(catdd|)', {
        c: 'response.created',
        a: 'response.output_item.added',
        t: 'response.content_part.added',
        d: 'response.output_text.delta',
      });
      scheduler.flush();
      expect(emitted).toHaveLength(2);
      expectSubscriptions(subscriptions).toBe('(^!)');
    });
  });

  it('a callback that throws errors the stream', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const failure = new Error('no ids today');
      const source = cold('-t-|', { t: events.textDelta('x') });
      const generateId = () => {
        throw failure;
      };
      expectObservable(source.pipe(serializeEvents({ generateId }))).toBe('-#', undefined, failure);
      expectSubscriptions(source.subscriptions).toBe('^!');
    });
  });
});

describe('encodeSSE', () => {
  it('frames each event as one SSE event named after its type, in one data line', () => {
    createTestScheduler((actual, expected) => expect(actual).toEqual(expected)).run(
      ({ cold, expectObservable, expectSubscriptions }) => {
        const event = { type: 'response.output_text.delta', delta: 'a\nb\r\u2028' };
        const source = cold('-e-|', { e: event });
        expectObservable(source.pipe(encodeSSE())).toBe('-f-|', {
          f: 'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":"a\\nb\\r\u2028"}\n\n',
        });
        expectSubscriptions(source.subscriptions).toBe('^--!');
      },
    );
  });
});
