/**
 * Hostile Responses API streams through `responseEvents`: every output item exactly once, or a typed error.
 */
import {
  ProtocolMismatchError,
  ResponseFailedError,
  ResponseIncompleteError,
  type ResponseEvent,
  type ResponseEventsOptions,
  UnexpectedContentTypeError,
  type SequenceAnomaly,
  type SequenceGap,
  type WireItem,
  responseEvents,
} from '../../lib';
import { type WireJson, items, streamedEvents, toSseText, wire } from '../../lib/testing';
import { runSync } from '../proof';

/** Runs the pipeline over SSE text built from events (synchronously: a string source, no idle timer). */
function run(events: readonly (WireJson | string)[], options: ResponseEventsOptions = {}) {
  return runSync(responseEvents(toSseText(events), { idleTimeoutMs: Infinity, ...options }));
}

const done = (values: readonly ResponseEvent[]) =>
  values.flatMap((e) => (e.type === 'outputItemDone' ? [{ item: e.item, recovered: e.recovered }] : []));

const message = items.message('msg_1', 'Hello');
const reasoning = items.reasoning('rs_1', 'Thinking');
const at = { itemId: 'msg_1', outputIndex: 0 };

describe('responseEvents with hostile Responses streams', () => {
  it('ignores events after response.completed', () => {
    const result = run([
      wire.created(),
      wire.completed([message]),
      wire.textDelta('late', at),
      wire.outputItemDone(reasoning, 1),
      wire.error('x', 'late'),
    ]);
    expect(result.completed).toBe(true);
    expect(result.values.map((e) => e.type)).toEqual(['created', 'outputItemDone', 'completed']);
    expect(result.terminals).toBe(1);
  });

  it('emits completed once when response.completed arrives twice', () => {
    const result = run([wire.created(), wire.completed([message]), wire.completed([message, reasoning])]);
    expect(result.values.filter((e) => e.type === 'completed')).toHaveLength(1);
    expect(done(result.values)).toEqual([{ item: message, recovered: true }]);
  });

  it('fails with ResponseIncompleteError for response.completed whose status is incomplete', () => {
    const completed = wire.completed([message]);
    const response = {
      ...(completed['response'] as object),
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
    };
    const result = run([wire.created(), wire.textDelta('Hel', at), { ...completed, response }]);
    expect(result.values.map((e) => e.type)).toEqual(['created', 'outputTextDelta']);
    expect(result.error).toBeInstanceOf(ResponseIncompleteError);
    expect(result.error).toMatchObject({ code: 'response_incomplete', reason: 'max_output_tokens', retryable: false });
  });

  it('fails with a retryable ResponseFailedError for a response.failed without an error object', () => {
    for (const failed of [wire.failed(), { type: 'response.failed' }, { type: 'response.failed', response: null }]) {
      const result = run([wire.created(), failed]);
      expect(result.error).toBeInstanceOf(ResponseFailedError);
      expect(result.error).toMatchObject({
        code: 'response_failed',
        source: 'response.failed',
        serverCode: undefined,
        serverMessage: 'the server sent no error details',
        retryable: true,
      });
    }
  });

  it('fails with ResponseFailedError for an error event before response.created', () => {
    const result = run([
      wire.error('rate_limit_exceeded', 'Rate limit reached. Please try again in 1.5s.'),
      wire.created(),
      wire.completed(),
    ]);
    expect(result.values).toEqual([]);
    expect(result.error).toMatchObject({
      code: 'response_failed',
      source: 'error',
      serverCode: 'rate_limit_exceeded',
      retryAfterMs: 1500,
    });
  });

  describe('deltas for an item never announced', () => {
    it('delivers the deltas and rebuilds the item once when completed.output lacks it', () => {
      const result = run([wire.created(), wire.textDelta('Hel', at), wire.textDelta('lo', at), wire.completed([])]);
      expect(result.values.filter((e) => e.type === 'outputTextDelta')).toHaveLength(2);
      expect(done(result.values)).toEqual([{ item: message, recovered: true }]);
    });

    it('recovers the item from completed.output once when it is there', () => {
      const result = run([wire.created(), wire.textDelta('Hel', at), wire.completed([message])]);
      expect(done(result.values)).toEqual([{ item: message, recovered: true }]);
    });
  });

  it('delivers an output_item.done re-sent with the same id once', () => {
    const result = run([
      wire.created(),
      wire.outputItemDone(message, 0),
      wire.outputItemDone(message, 0),
      wire.outputItemDone(message),
      wire.completed([message]),
    ]);
    expect(done(result.values)).toEqual([{ item: message, recovered: false }]);
  });

  it('delivers an empty final message after streamed text once, as the server finalized it', () => {
    // The text reached the consumer as deltas; the item is not delivered a second time rebuilt from them.
    const empty = items.message('msg_1', '');
    const streamedDone = run([
      wire.created(),
      wire.textDelta('Hello', at),
      wire.outputItemDone(empty, 0),
      wire.completed([empty]),
    ]);
    expect(done(streamedDone.values)).toEqual([{ item: empty, recovered: false }]);
    const onlyInOutput = run([wire.created(), wire.textDelta('Hello', at), wire.completed([empty])]);
    expect(done(onlyInOutput.values)).toEqual([{ item: empty, recovered: true }]);
    for (const result of [streamedDone, onlyInOutput]) {
      expect(
        result.values
          .filter((e) => e.type === 'outputTextDelta')
          .map((e) => (e.type === 'outputTextDelta' ? e.delta : '')),
      ).toEqual(['Hello']);
      expect(result.completed).toBe(true);
    }
  });

  it('delivers items that came by output_item.done once when completed.output is empty', () => {
    const result = run([
      wire.created(),
      wire.outputItemDone(reasoning, 0),
      wire.outputItemDone(items.message('msg_1', 'Hello'), 1),
      wire.completed([]),
    ]);
    expect(done(result.values)).toEqual([
      { item: reasoning, recovered: false },
      { item: message, recovered: false },
    ]);
  });

  it('reads a stream with no sequence_number at all', () => {
    const gaps: SequenceGap[] = [];
    const events = streamedEvents([reasoning, message]).map(
      ({ sequence_number: _drop, ...event }) => event as WireJson,
    );
    const result = run(events, { onSequenceGap: (gap) => gaps.push(gap) });
    expect(result.completed).toBe(true);
    expect(done(result.values).map((d) => d.item)).toEqual([reasoning, message]);
    expect(gaps).toEqual([]);
  });

  describe('sequence numbers', () => {
    const numbered = streamedEvents([items.message('msg_1', 'abcdefgh')], { deltaSize: 2 });
    const seq = (event: WireJson) => event['sequence_number'] as number;
    const deltas = (values: readonly ResponseEvent[]) =>
      values.flatMap((e) => (e.type === 'outputTextDelta' ? [e.delta] : []));

    it('drops a replayed event at or below the last seen number', () => {
      const replayed = numbered.flatMap((event, i) =>
        i > 0 && event.type === 'response.output_text.delta' ? [event, numbered[i - 1]!, event] : [event],
      );
      const result = run(replayed);
      expect(deltas(result.values)).toEqual(['ab', 'cd', 'ef', 'gh']);
      expect(done(result.values)).toHaveLength(1);
    });

    it('reports a gap to onSequenceGap and still delivers what came after it', () => {
      const gaps: SequenceGap[] = [];
      const firstDelta = numbered.findIndex((e) => e.type === 'response.output_text.delta');
      const withGap = numbered.filter((_, i) => i !== firstDelta + 1); // 'cd' never arrives
      const result = run(withGap, { onSequenceGap: (gap) => gaps.push(gap) });
      expect(gaps).toEqual([{ expected: seq(numbered[firstDelta + 1]!), received: seq(numbered[firstDelta + 2]!) }]);
      expect(deltas(result.values)).toEqual(['ab', 'ef', 'gh']);
      // The item itself is still delivered whole.
      expect(done(result.values).map((d) => d.item)).toEqual([items.message('msg_1', 'abcdefgh')]);
    });

    it('reports an out-of-order event as a gap, then delivers it as a repeat (it repeats no earlier event)', () => {
      const gaps: SequenceGap[] = [];
      const anomalies: SequenceAnomaly[] = [];
      const firstDelta = numbered.findIndex((e) => e.type === 'response.output_text.delta');
      const swapped = [...numbered];
      [swapped[firstDelta], swapped[firstDelta + 1]] = [swapped[firstDelta + 1]!, swapped[firstDelta]!];
      const result = run(swapped, {
        onSequenceGap: (gap) => gaps.push(gap),
        onSequenceAnomaly: (anomaly) => anomalies.push(anomaly),
      });
      const [early, late] = [seq(numbered[firstDelta]!), seq(numbered[firstDelta + 1]!)];
      expect(gaps).toEqual([{ expected: early, received: late }]);
      expect(anomalies).toEqual([
        { kind: 'gap', expected: early, received: late },
        { kind: 'repeat', expected: late + 1, received: early },
      ]);
      expect(deltas(result.values)).toEqual(['cd', 'ab', 'ef', 'gh']);
      expect(result.completed).toBe(true);
    });
  });

  it('ignores unknown event types and delivers unknown item types once', () => {
    const search: WireItem = {
      type: 'web_search_call',
      id: 'ws_1',
      status: 'completed',
      action: { type: 'search', query: 'q' },
    };
    const future: WireItem = { type: 'future_item', id: 'fi_1', payload: [1, 2, 3] };
    const result = run([
      wire.created(),
      { type: 'response.web_search_call.searching', item_id: 'ws_1', output_index: 0 },
      { type: 'response.future_event', whatever: true },
      wire.outputItemDone(search, 0),
      wire.completed([search, future]),
    ]);
    expect(result.completed).toBe(true);
    expect(done(result.values)).toEqual([
      { item: search, recovered: false },
      { item: future, recovered: true },
    ]);
  });

  it('ignores keepalive events, with or without sequence numbers', () => {
    const events = streamedEvents([message]);
    // Numbered in the same sequence as the events around them (as OpenAI does), or not numbered at all.
    const numbered = events
      .flatMap((event) => [{ type: 'keepalive' } as WireJson, event])
      .map((event, sequence_number) => ({ ...event, sequence_number }));
    const unnumbered = events.flatMap((event) => [{ type: 'keepalive' } as WireJson, event]);
    for (const stream of [numbered, unnumbered]) {
      const gaps: SequenceGap[] = [];
      const result = run(stream, { onSequenceGap: (gap) => gaps.push(gap) });
      expect(result.completed).toBe(true);
      expect(done(result.values).map((d) => d.item)).toEqual([message]);
      expect(gaps).toEqual([]);
    }
  });

  it('fails with ProtocolMismatchError naming Chat Completions when sent a Chat Completions stream', () => {
    const chunk = (content: string) => ({
      id: 'chatcmpl-1',
      object: 'chat.completion.chunk',
      choices: [{ index: 0, delta: { content } }],
    });
    const result = runSync(
      responseEvents(
        `data: ${JSON.stringify(chunk('Hel'))}\n\ndata: ${JSON.stringify(chunk('lo'))}\n\ndata: [DONE]\n\n`,
        { idleTimeoutMs: Infinity },
      ),
    );
    expect(result.error).toBeInstanceOf(ProtocolMismatchError);
    expect(result.error).toMatchObject({ code: 'protocol_mismatch', detected: 'Chat Completions', retryable: false });
    expect((result.error as Error).message).toContain('Chat Completions');
  });

  it('fails with ProtocolMismatchError for an HTML error page in a byte stream, UnexpectedContentTypeError in a Response', async () => {
    const page = '<!DOCTYPE html>\n<html><body><h1>Service Unavailable</h1></body></html>\n';
    const bytes = new Response(page).body as ReadableStream<Uint8Array>;
    const error = await new Promise<unknown>((resolve) =>
      responseEvents(bytes, { idleTimeoutMs: Infinity }).subscribe({ error: resolve }),
    );
    expect(error).toBeInstanceOf(ProtocolMismatchError);
    expect(error).toMatchObject({ code: 'protocol_mismatch', detected: 'HTML page', retryable: false });
    expect((error as Error).message).toContain('<!DOCTYPE html>');
    // A fetch Response is checked as streamResponse checks it: its content type says text/html, its bytes agree.
    const response = new Response(page, { status: 200, headers: { 'content-type': 'text/html' } });
    const checked = await new Promise<unknown>((resolve) =>
      responseEvents(response, { idleTimeoutMs: Infinity }).subscribe({ error: resolve }),
    );
    expect(checked).toBeInstanceOf(UnexpectedContentTypeError);
    expect(checked).toMatchObject({ code: 'unexpected_content_type', contentType: 'text/html', retryable: false });
    expect((checked as UnexpectedContentTypeError).bodyStart).toContain('<!DOCTYPE html>');
  });
});
