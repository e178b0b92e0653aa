/**
 * Stream shapes rebuilt from public bug reports against gateways and local servers (LiteLLM-style proxies, llama.cpp's
 * server, Chat-to-Responses bridges, Codex-backend relays, vLLM behind proxies). Each stands for its kind: every item
 * exactly once whatever a gateway does to ids, indexes and sequence numbers, and every way a stream ends read right.
 * Ids and texts are invented; only the shapes matter.
 */
import { type Observable, from, lastValueFrom, toArray } from 'rxjs';
import {
  ProtocolMismatchError,
  ResponseCancelledError,
  ResponseFailedError,
  ResponseIncompleteError,
  type ResponseEvent,
  type SequenceAnomaly,
  type ResponseEventsOptions,
  type WireItem,
  responseEvents,
} from '../../lib';
import { type Transcript, type TranscriptUpdate, toTranscript } from '../../lib/transcript';
import { type WireJson, items, toSseText, wire } from '../../lib/testing';
import { runSync } from '../proof';

function run(events: readonly (WireJson | string)[], options: ResponseEventsOptions = {}) {
  return runSync(responseEvents(toSseText(events), { idleTimeoutMs: Infinity, ...options }));
}

const done = (values: readonly ResponseEvent[]) =>
  values.flatMap((e) => (e.type === 'outputItemDone' ? [{ item: e.item, recovered: e.recovered }] : []));

const textDeltas = (values: readonly ResponseEvent[]) =>
  values.flatMap((e) => (e.type === 'outputTextDelta' ? [e.delta] : [])).join('');

/** The last transcript of the events, as `kind: text` lines (tool calls as `tool name(args)`). */
function transcriptOf(events: readonly ResponseEvent[]): string[] {
  const updates = runSync(from(events).pipe(toTranscript({ onError: 'complete' })));
  const last: Transcript | undefined = (updates.values.at(-1) as TranscriptUpdate | undefined)?.transcript;
  return (last?.cells ?? []).map((cell) =>
    cell.kind === 'toolCall' || cell.kind === 'approvalRequest'
      ? `tool ${cell.name}(${cell.arguments})`
      : `${cell.kind}: ${cell.text}`,
  );
}

/** Strips the given fields from a wire event (a gateway that drops them). */
function without(event: WireJson, ...fields: string[]): WireJson {
  const copy: Record<string, unknown> = { ...event };
  for (const field of fields) delete copy[field];
  return copy as WireJson;
}

function collect(source: Observable<ResponseEvent>): Promise<ResponseEvent[]> {
  return lastValueFrom(source.pipe(toArray()));
}

describe('gateways that drop, rotate or reuse ids and indexes (issue 10, inputs 1-4)', () => {
  it('1. delivers a function call with only a call_id, no id and no output_index, once with its arguments', () => {
    const announced: WireItem = {
      type: 'function_call',
      call_id: 'call_7',
      name: 'add',
      arguments: '',
      status: 'in_progress',
    };
    const whole: WireItem = { ...announced, arguments: '{"a":5,"b":7}', status: 'completed' };
    const result = run([
      wire.created(),
      wire.outputItemAdded(announced),
      { type: 'response.function_call_arguments.done', output_index: 1, arguments: '{"a":5,"b":7}' },
      wire.outputItemDone(whole),
      wire.completed([]),
    ]);
    expect(result.error).toBeUndefined();
    expect(done(result.values)).toEqual([{ item: whole, recovered: false }]);
    expect(transcriptOf(result.values)).toEqual(['tool add({"a":5,"b":7})']);
  });

  it('2. delivers a call_id-only function call once when completed.output repeats it', () => {
    const call: WireItem = { type: 'function_call', call_id: 'call_7', name: 'add', arguments: '{"a":5,"b":7}' };
    const result = run([wire.created(), wire.outputItemDone(call), wire.completed([call])]);
    expect(done(result.values)).toEqual([{ item: call, recovered: false }]);
    expect(transcriptOf(result.values)).toEqual(['tool add({"a":5,"b":7})']);
  });

  it('3. delivers a message once when completed.output drops the reasoning and re-issues the message id', () => {
    const reasoning = items.reasoning('rs_a', 'Adding two numbers');
    const message = items.message('msg_a', 'The sum is 12.');
    const reissued = items.message('msg_z', 'The sum is 12.');
    const result = run([
      wire.created(),
      wire.outputItemDone(reasoning, 0),
      wire.outputItemDone(message, 1),
      wire.completed([reissued]),
    ]);
    expect(done(result.values)).toEqual([
      { item: reasoning, recovered: false },
      { item: message, recovered: false },
    ]);
    expect(transcriptOf(result.values)).toEqual(['reasoning: Adding two numbers', 'answer: The sum is 12.']);
  });

  it('4. shows two answers when a proxy restarts output indexes for each upstream round', () => {
    const m1 = items.message('m1', 'First round.');
    const m2 = items.message('m2', 'Second round.');
    const result = run([
      wire.created(),
      wire.textDelta('First ', { itemId: 'm1', outputIndex: 0 }),
      wire.textDelta('round.', { itemId: 'm1', outputIndex: 0 }),
      wire.outputItemDone(m1, 0),
      wire.textDelta('Second ', { itemId: 'm2', outputIndex: 0 }),
      wire.textDelta('round.', { itemId: 'm2', outputIndex: 0 }),
      wire.outputItemDone(m2, 0),
      wire.completed([m1, m2]),
    ]);
    expect(done(result.values)).toEqual([
      { item: m1, recovered: false },
      { item: m2, recovered: false },
    ]);
    expect(textDeltas(result.values)).toBe('First round.Second round.');
    expect(transcriptOf(result.values)).toEqual(['answer: First round.', 'answer: Second round.']);
  });

  it('4. (without item ids) starts a new item at a reused index when a new output_item.added announces it', () => {
    const m1 = items.message('m1', 'First round.');
    const m2 = items.message('m2', 'Second round.');
    const anonymous = (event: WireJson) => without(event, 'item_id');
    const result = run([
      wire.created(),
      wire.outputItemAdded({ type: 'message', role: 'assistant', content: [] }, 0),
      anonymous(wire.textDelta('First round.', { outputIndex: 0 })),
      wire.outputItemAdded({ type: 'message', role: 'assistant', content: [] }, 0),
      anonymous(wire.textDelta('Second round.', { outputIndex: 0 })),
      wire.completed([m1, m2]),
    ]);
    expect(done(result.values).map((d) => d.item)).toEqual([m1, m2]);
    expect(transcriptOf(result.values)).toEqual(['answer: First round.', 'answer: Second round.']);
  });
});

describe('every way a stream ends, read right (issue 10, inputs 5-7 and 10)', () => {
  it('5. delivers a new delta under a repeated sequence number and reports the repeat', () => {
    const anomalies: SequenceAnomaly[] = [];
    const at = { itemId: 'msg_1', outputIndex: 0 };
    const numbered = (event: WireJson, n: number): WireJson => ({ ...event, sequence_number: n });
    const result = run(
      [
        numbered(wire.created(), 0),
        numbered(wire.textDelta('H', at), 3),
        numbered(wire.textDelta('ello w', at), 6),
        numbered(wire.textDelta('orld', at), 6),
        numbered(wire.textDelta('orld', at), 6), // this one does repeat an earlier event: a replay
        numbered(wire.completed([items.message('msg_1', 'Hello world')]), 7),
      ],
      { onSequenceAnomaly: (anomaly) => anomalies.push(anomaly) },
    );
    expect(textDeltas(result.values)).toBe('Hello world');
    expect(anomalies).toEqual([
      { kind: 'gap', expected: 1, received: 3 },
      { kind: 'gap', expected: 4, received: 6 },
      { kind: 'repeat', expected: 7, received: 6 },
      { kind: 'replay', expected: 7, received: 6 },
    ]);
    expect(done(result.values)).toEqual([{ item: items.message('msg_1', 'Hello world'), recovered: true }]);
    expect(transcriptOf(result.values)).toEqual(['answer: Hello world']);
  });

  describe('6. a stream that ends with response.done (gateways relaying a Codex backend)', () => {
    const message = items.message('msg_1', 'Hi');
    const doneWith = (status: string, extra: Record<string, unknown> = {}): WireJson => ({
      type: 'response.done',
      response: { id: 'resp_1', object: 'response', status, output: [message], ...extra },
    });

    it('ends as completed when its status is completed', () => {
      const result = run([
        wire.created(),
        wire.textDelta('Hi', { itemId: 'msg_1', outputIndex: 0 }),
        doneWith('completed'),
      ]);
      expect(result.error).toBeUndefined();
      expect(result.values.map((e) => e.type)).toEqual(['created', 'outputTextDelta', 'outputItemDone', 'completed']);
      expect(transcriptOf(result.values)).toEqual(['answer: Hi']);
    });

    it('ends with the typed error of a failed, incomplete or cancelled status', () => {
      const failed = run([
        wire.created(),
        doneWith('failed', { error: { code: 'server_error', message: 'The model crashed' } }),
      ]);
      expect(failed.error).toBeInstanceOf(ResponseFailedError);
      expect(failed.error).toMatchObject({
        code: 'response_failed',
        source: 'response.done',
        serverCode: 'server_error',
        serverMessage: 'The model crashed',
        responseId: 'resp_1',
        retryable: true,
      });
      const incomplete = run([
        wire.created(),
        doneWith('incomplete', { incomplete_details: { reason: 'max_output_tokens' } }),
      ]);
      expect(incomplete.error).toBeInstanceOf(ResponseIncompleteError);
      expect(incomplete.error).toMatchObject({ code: 'response_incomplete', reason: 'max_output_tokens' });
      const cancelled = run([wire.created(), doneWith('cancelled')]);
      expect(cancelled.error).toBeInstanceOf(ResponseCancelledError);
      expect(cancelled.error).toMatchObject({ code: 'response_cancelled', responseId: 'resp_1', retryable: false });
    });
  });

  it('7. fails with the server code and message of an error object that has no type, retryable by its code', () => {
    const result = runSync(
      responseEvents(
        'data: {"type":"response.created","response":{"id":"resp_1"}}\n\n' +
          'data: {"type":"response.in_progress","response":{"id":"resp_1"}}\n\n' +
          'data: {"type":"response.in_progress","response":{"id":"resp_1"}}\n\n' +
          'data: {"error":{"code":"upstream_error","type":"server_error","message":"no route"}}\n\n',
        { idleTimeoutMs: Infinity },
      ),
    );
    expect(result.error).toBeInstanceOf(ResponseFailedError);
    expect(result.error).toMatchObject({
      code: 'response_failed',
      source: 'error',
      serverCode: 'upstream_error',
      serverMessage: 'no route',
      retryable: true,
    });
    const fault = run([wire.created(), '{"error":{"code":"context_length_exceeded","message":"too long"}}']);
    expect(fault.error).toMatchObject({ serverCode: 'context_length_exceeded', retryable: false });
    const vllm = run([
      wire.created(),
      '{"object":"error","message":"bad","type":"BadRequestError","param":null,"code":400}',
    ]);
    expect(vllm.error).toMatchObject({
      code: 'response_failed',
      serverCode: '400',
      serverMessage: 'bad',
      retryable: false,
    });
  });

  it('fails with ResponseFailedError for a chat.completion.chunk carrying an error in the middle of a Responses stream', () => {
    const chunk = {
      id: 'chatcmpl-1',
      object: 'chat.completion.chunk',
      choices: [],
      error: { message: 'upstream overloaded', code: 'overloaded_error' },
    };
    const result = run([
      wire.created(),
      wire.textDelta('Hel', { itemId: 'msg_1', outputIndex: 0 }),
      JSON.stringify(chunk),
    ]);
    expect(result.values.map((e) => e.type)).toEqual(['created', 'outputTextDelta']);
    expect(result.error).toBeInstanceOf(ResponseFailedError);
    expect(result.error).toMatchObject({
      source: 'chat.completion.chunk',
      serverCode: 'overloaded_error',
      serverMessage: 'upstream overloaded',
      retryable: true,
    });
    // A Chat Completions stream from its first event is still the wrong protocol, error or not.
    const first = run([JSON.stringify(chunk)]);
    expect(first.error).toBeInstanceOf(ProtocolMismatchError);
  });

  it('10. fails with a typed error for response.completed whose status is cancelled or failed', () => {
    const completedWith = (status: string, extra: Record<string, unknown> = {}): WireJson => ({
      type: 'response.completed',
      response: { id: 'resp_1', object: 'response', status, output: [], ...extra },
    });
    const cancelled = run([wire.created(), completedWith('cancelled')]);
    expect(cancelled.error).toBeInstanceOf(ResponseCancelledError);
    expect(cancelled.values.map((e) => e.type)).toEqual(['created']);
    const failed = run([
      wire.created(),
      completedWith('failed', { error: { code: 'rate_limit_exceeded', message: 'Please try again in 2s.' } }),
    ]);
    expect(failed.error).toBeInstanceOf(ResponseFailedError);
    expect(failed.error).toMatchObject({
      source: 'response.completed',
      serverCode: 'rate_limit_exceeded',
      retryable: true,
      retryAfterMs: 2000,
    });
    const transcript = runSync(from(failed.values).pipe(toTranscript({ onError: 'complete' })));
    expect(transcript.values.some((update) => update.type === 'turnCompleted')).toBe(false);
  });
});

export { collect };
