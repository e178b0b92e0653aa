import { map, take } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { ResponseCancelledError, ResponseFailedError, ResponseIncompleteError, normalizeEvents } from 'responses-rx';
import type { WireEvent } from 'responses-rx';
import { createTestScheduler, events, items, wire } from 'responses-rx/testing';
import { synchronousSource } from './support';

const w = (json: object) => json as unknown as WireEvent;

const message = items.message('msg_1', 'Hi');
const v = {
  c: w(wire.created()),
  p: w(wire.inProgress()),
  t: w(wire.textDelta('Hi', { itemId: 'msg_1', outputIndex: 0 })),
  d: w(wire.textDone('Hi', { itemId: 'msg_1', outputIndex: 0 })),
  M: w(wire.outputItemDone(message, 0)),
  C: w(
    wire.completed([message], {
      usage: { input_tokens: 5, output_tokens: 7, total_tokens: 12, output_tokens_details: { reasoning_tokens: 3 } },
    }),
  ),
  F: w(wire.failed({ code: 'rate_limit_exceeded', message: 'Rate limit reached. Please try again in 1.898s.' })),
  f: w(wire.failed()),
  I: w(wire.incomplete('max_output_tokens')),
  E: w(wire.error('server_error', 'Something went wrong')),
  N: w({
    type: 'error',
    error: { type: 'invalid_request_error', code: 'context_length_exceeded', message: 'Too long', param: null },
  }),
};

describe('normalizeEvents', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = createTestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('maps wire events to normalized events, in_progress to inProgress', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-p-t-d-M-C-|', v);
      expectObservable(source.pipe(normalizeEvents())).toBe('-c-p-t-d-M-C-|', {
        c: events.created(),
        p: events.inProgress(),
        t: events.textDelta('Hi', { itemId: 'msg_1', outputIndex: 0 }),
        d: events.partDone('outputText', 'Hi', { itemId: 'msg_1', outputIndex: 0 }),
        M: events.itemDone(message, 0),
        C: {
          type: 'completed',
          responseId: 'resp_1',
          usage: { inputTokens: 5, cachedInputTokens: 0, outputTokens: 7, reasoningOutputTokens: 3, totalTokens: 12 },
          response: (v.C as { response: unknown }).response,
        },
      });
      expectSubscriptions(source.subscriptions).toBe('^------------!');
    });
  });

  it('emits citations, refusals, tool input of every kind, tool progress, shell output, partial images and audio', () => {
    const at = { itemId: 'x_1', outputIndex: 2 };
    const citation = { type: 'url_citation', url: 'https://a.example', title: 'A', start_index: 0, end_index: 2 };
    const n = {
      q: w(wire.queued()),
      a: w(wire.annotationAdded(citation, at, 0, 3)),
      r: w(wire.refusalDelta("I can't", at)),
      k: w(wire.codeDelta('print(', at)),
      m: w(wire.mcpArgumentsDelta('{"q"', at)),
      s: w(wire.shellCommandAdded('', { outputIndex: 2 }, 1)),
      h: w(wire.shellCommandDelta('ls', { outputIndex: 2 }, 1)),
      x: w(wire.applyPatchDiffDelta('+a', at)),
      g: w(wire.toolProgress('web_search_call', 'searching', at)),
      f: w(wire.toolProgress('mcp_call', 'failed', at)),
      o: w(wire.shellOutputDelta({ stdout: 'hi' }, at, 1)),
      i: w(wire.partialImage('AAAA', at, 1, { size: '1024x1024', output_format: 'png' })),
      u: w(wire.audioDelta('UklG')),
      U: w(wire.audioTranscriptDelta('Hel')),
    };
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-q-a-r-k-m-s-h-x-g-f-o-i-u-U-|', n);
      expectObservable(source.pipe(normalizeEvents())).toBe('-q-a-r-k-m-s-h-x-g-f-o-i-u-U-|', {
        q: events.queued(),
        a: events.annotationAdded(citation, at, 0, 3),
        r: events.refusalDelta("I can't", at),
        k: events.toolInputDelta('print(', at, 'code_interpreter_call'),
        m: events.toolInputDelta('{"q"', at, 'mcp_call'),
        s: events.toolInputDelta('', { outputIndex: 2, commandIndex: 1 }, 'shell_call'),
        h: events.toolInputDelta('ls', { outputIndex: 2, commandIndex: 1 }, 'shell_call'),
        x: events.toolInputDelta('+a', at, 'apply_patch_call'),
        g: events.toolProgress('web_search_call', 'searching', at),
        f: events.toolProgress('mcp_call', 'failed', at),
        o: events.shellOutputDelta('hi', '', at, 1),
        i: { ...events.partialImage('AAAA', at, 1), size: '1024x1024', outputFormat: 'png' },
        u: { type: 'audioDelta', delta: 'UklG' },
        U: { type: 'audioTranscriptDelta', delta: 'Hel' },
      });
      expectSubscriptions(source.subscriptions).toBe('^----------------------------!');
    });
  });

  it('keeps logprobs on a text delta when the server sent some, and leaves them out when it sent none', () => {
    const logprobs = [{ token: 'Hi', logprob: -0.1, top_logprobs: [] }];
    scheduler.run(({ cold, expectObservable }) => {
      const source = cold('-l-e-|', {
        l: w({ ...wire.textDelta('Hi', { itemId: 'msg_1', outputIndex: 0 }), logprobs }),
        e: w({ ...wire.textDelta('!', { itemId: 'msg_1', outputIndex: 0 }), logprobs: [] }),
      });
      expectObservable(source.pipe(normalizeEvents())).toBe('-l-e-|', {
        l: { ...events.textDelta('Hi', { itemId: 'msg_1', outputIndex: 0 }), logprobs },
        e: events.textDelta('!', { itemId: 'msg_1', outputIndex: 0 }),
      });
    });
  });

  it('turns *.done events of refusals and hosted tools into evidence, and the empty markers into nothing', () => {
    const at = { itemId: 'x_1', outputIndex: 2 };
    const output = [{ stdout: 'hi', stderr: '', outcome: { type: 'exit', exit_code: 0 } }];
    const n = {
      P: w(wire.contentPartAdded(at, 0, 'refusal')),
      R: w(wire.refusalDone('No.', at)),
      K: w(wire.codeDone('print(1)', at)),
      M: w(wire.mcpArgumentsDone('{}', at)),
      S: w(wire.shellCommandDone('ls', { outputIndex: 2 }, 1)),
      X: w(wire.applyPatchDiffDone('+a', at)),
      O: w(wire.shellOutputDone(output, at, 1)),
      Q: w(wire.summaryPartDone('Thinking', at)),
      A: w(wire.audioDone()),
      T: w(wire.audioTranscriptDone()),
    };
    scheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold('-P-R-K-M-S-X-O-Q-A-T-|', n).pipe(normalizeEvents())).toBe('---R-K-M-S-X-O-------|', {
        R: events.partDone('refusal', 'No.', at),
        K: events.partDone('toolCallInput', 'print(1)', at, 0, 'code_interpreter_call'),
        M: events.partDone('toolCallInput', '{}', at, 0, 'mcp_call'),
        S: events.partDone('toolCallInput', 'ls', { outputIndex: 2 }, 1, 'shell_call'),
        X: events.partDone('toolCallInput', '+a', at, 0, 'apply_patch_call'),
        O: { ...events.partDone('shellOutput', '', at, 1, 'shell_call_output'), output },
      });
    });
  });

  it('emits an event of an unknown type, wrapped by toWireEvents, as unknownEvent', () => {
    const future = { type: 'response.hologram.delta', delta: 'x', item_id: 'h_1' };
    scheduler.run(({ cold, expectObservable }) => {
      const source = cold('-u-|', { u: { type: 'unknown', wireType: future.type, event: future } as const });
      expectObservable(source.pipe(normalizeEvents())).toBe('-u-|', { u: events.unknown(future) });
    });
  });

  it('fails at once on response.failed, with the server code, message and retry delay', () => {
    const errors: ResponseFailedError[] = [];
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-F-t-|', v);
      const expected = new ResponseFailedError({
        serverCode: 'rate_limit_exceeded',
        serverMessage: 'Rate limit reached. Please try again in 1.898s.',
        responseId: 'resp_1',
        source: 'response.failed',
      });
      expectObservable(source.pipe(normalizeEvents())).toBe('-c-#', { c: events.created() }, expected);
      source.pipe(normalizeEvents()).subscribe({ error: (e: ResponseFailedError) => errors.push(e) });
      expectSubscriptions(source.subscriptions).toBe(['^--!', '^--!']);
    });
    expect(errors[0]).toBeInstanceOf(ResponseFailedError);
    expect(errors[0]).toMatchObject({
      code: 'response_failed',
      serverCode: 'rate_limit_exceeded',
      retryable: true,
      retryAfterMs: 1898,
      responseId: 'resp_1',
    });
  });

  it('fails on a response.failed that carries no error object, saying so', () => {
    const errors: ResponseFailedError[] = [];
    scheduler.run(({ cold, expectSubscriptions }) => {
      const source = cold('-f', v);
      source.pipe(normalizeEvents()).subscribe({ error: (e: ResponseFailedError) => errors.push(e) });
      expectSubscriptions(source.subscriptions).toBe('^!');
    });
    expect(errors[0]).toMatchObject({ code: 'response_failed', serverCode: undefined, retryable: true });
    expect(errors[0]?.message).toMatch(/no error details/);
  });

  it('fails on a flat top-level error event, even before response.created', () => {
    const errors: ResponseFailedError[] = [];
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-E-c', v);
      expectObservable(source.pipe(normalizeEvents())).toBe(
        '-#',
        {},
        new ResponseFailedError({ serverCode: 'server_error', serverMessage: 'Something went wrong', source: 'error' }),
      );
      source.pipe(normalizeEvents()).subscribe({ error: (e: ResponseFailedError) => errors.push(e) });
      expectSubscriptions(source.subscriptions).toBe(['^!', '^!']);
    });
    expect(errors[0]).toMatchObject({
      code: 'response_failed',
      serverCode: 'server_error',
      retryable: true,
      source: 'error',
    });
  });

  it('classifies a nested error event with a request-fault code as not retryable', () => {
    const errors: ResponseFailedError[] = [];
    scheduler.run(({ cold, expectSubscriptions }) => {
      const source = cold('-N', v);
      source.pipe(normalizeEvents()).subscribe({ error: (e: ResponseFailedError) => errors.push(e) });
      expectSubscriptions(source.subscriptions).toBe('^!');
    });
    expect(errors[0]).toMatchObject({
      code: 'response_failed',
      serverCode: 'context_length_exceeded',
      retryable: false,
      serverMessage: 'Too long',
    });
  });

  it('fails on response.incomplete with the reason', () => {
    const errors: ResponseIncompleteError[] = [];
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-I', v);
      expectObservable(source.pipe(normalizeEvents())).toBe(
        '-c-#',
        { c: events.created() },
        new ResponseIncompleteError({ reason: 'max_output_tokens' }),
      );
      expectSubscriptions(source.subscriptions).toBe('^--!');
      const alone = cold('-I', v);
      alone.pipe(normalizeEvents()).subscribe({ error: (e: ResponseIncompleteError) => errors.push(e) });
      expectSubscriptions(alone.subscriptions).toBe('^!');
    });
    expect(errors[0]).toBeInstanceOf(ResponseIncompleteError);
    expect(errors[0]).toMatchObject({ code: 'response_incomplete', reason: 'max_output_tokens', retryable: false });
  });

  it('ends on response.done as on response.completed: completed for status completed, typed errors otherwise', () => {
    const doneWith = (status: string, extra: object = {}) =>
      w({ type: 'response.done', response: { id: 'resp_1', status, output: [message], ...extra } });
    const ended = {
      D: doneWith('completed'),
      X: doneWith('failed', { error: { code: 'server_error', message: 'crashed' } }),
      Y: doneWith('incomplete', { incomplete_details: { reason: 'max_output_tokens' } }),
      Z: doneWith('cancelled'),
    };
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const completed = cold('-c-D-|', { ...v, ...ended });
      expectObservable(completed.pipe(normalizeEvents())).toBe('-c-D-|', {
        c: events.created(),
        D: {
          type: 'completed',
          responseId: 'resp_1',
          usage: undefined,
          response: (ended.D as { response: unknown }).response,
        },
      });
      expectSubscriptions(completed.subscriptions).toBe('^----!');
      const failed = cold('-c-X-|', { ...v, ...ended });
      expectObservable(failed.pipe(normalizeEvents())).toBe(
        '-c-#',
        { c: events.created() },
        new ResponseFailedError({
          serverCode: 'server_error',
          serverMessage: 'crashed',
          responseId: 'resp_1',
          source: 'response.done',
        }),
      );
      expectSubscriptions(failed.subscriptions).toBe('^--!');
      const incomplete = cold('-Y-|', ended);
      expectObservable(incomplete.pipe(normalizeEvents())).toBe(
        '-#',
        {},
        new ResponseIncompleteError({
          reason: 'max_output_tokens',
          response: (ended.Y as { response: unknown }).response,
        }),
      );
      expectSubscriptions(incomplete.subscriptions).toBe('^!');
      const cancelled = cold('-Z-|', ended);
      expectObservable(cancelled.pipe(normalizeEvents())).toBe(
        '-#',
        {},
        new ResponseCancelledError({ responseId: 'resp_1', response: (ended.Z as { response: unknown }).response }),
      );
      expectSubscriptions(cancelled.subscriptions).toBe('^!');
    });
  });

  it('fails on a response.completed whose status is failed, with the error it carries', () => {
    const failedCompleted = w({
      type: 'response.completed',
      response: { id: 'resp_1', status: 'failed', output: [], error: { code: 'invalid_prompt', message: 'Refused' } },
    });
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-X-|', { ...v, X: failedCompleted });
      expectObservable(source.pipe(normalizeEvents())).toBe(
        '-c-#',
        { c: events.created() },
        new ResponseFailedError({
          serverCode: 'invalid_prompt',
          serverMessage: 'Refused',
          responseId: 'resp_1',
          source: 'response.completed',
        }),
      );
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('carries the wire sequence_number as sequenceNumber, and none when the wire had none', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const seq = (json: object, n: number) => w({ ...json, sequence_number: n });
      const source = cold('-c-t-u-|', {
        c: seq(wire.created(), 0),
        t: seq(wire.textDelta('Hi', { itemId: 'msg_1', outputIndex: 0 }), 4),
        u: v.t,
      });
      expectObservable(source.pipe(normalizeEvents())).toBe('-c-t-u-|', {
        c: { ...events.created(), sequenceNumber: 0 },
        t: { ...events.textDelta('Hi', { itemId: 'msg_1', outputIndex: 0 }), sequenceNumber: 4 },
        u: events.textDelta('Hi', { itemId: 'msg_1', outputIndex: 0 }),
      });
      expectSubscriptions(source.subscriptions).toBe('^------!');
    });
  });

  it('emits response.queued as a queued event with the response id', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const queued = w({ type: 'response.queued', response: { id: 'resp_q', status: 'queued' }, sequence_number: 1 });
      const source = cold('-q-|', { q: queued });
      expectObservable(source.pipe(normalizeEvents())).toBe('-q-|', {
        q: { type: 'queued', responseId: 'resp_q', sequenceNumber: 1 },
      });
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it.each([
    ['response.cancelled', { type: 'response.cancelled', response: { id: 'resp_1', status: 'cancelled' } }],
    [
      'response.failed with status cancelled',
      { type: 'response.failed', response: { id: 'resp_1', status: 'cancelled' } },
    ],
    [
      'response.completed with status cancelled',
      { type: 'response.completed', response: { id: 'resp_1', status: 'cancelled', output: [] } },
    ],
  ])('fails with ResponseCancelledError on %s', (_name, json) => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-x-t-|', { c: v.c, x: w(json), t: v.t });
      expectObservable(source.pipe(normalizeEvents())).toBe(
        '-c-#',
        { c: events.created() },
        new ResponseCancelledError({ responseId: 'resp_1', response: json.response }),
      );
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('unsubscribes early', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-t-C-|', v);
      expectObservable(source.pipe(normalizeEvents()), '^--!').toBe('-c-', { c: events.created() });
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('does not break the unsubscription chain', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-t-C-|', v);
      const result = source.pipe(
        map((x) => x),
        normalizeEvents(),
        map((x) => x.type),
      );
      expectObservable(result, '^--!').toBe('-c-', { c: 'created' });
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('stops listening to a synchronous source when unsubscribed', () => {
    scheduler.run(({ expectObservable, expectSubscriptions }) => {
      const { source, emitted, subscriptions } = synchronousSource(scheduler, () => v.t);
      const result = source.pipe(
        normalizeEvents(),
        map((event) => event.type),
        take(2),
      );
      expectObservable(result).toBe('(tt|)', { t: 'outputTextDelta' });
      scheduler.flush();
      expect(emitted).toHaveLength(2);
      expectSubscriptions(subscriptions).toBe('(^!)');
    });
  });

  it('an exception while mapping an event errors the stream', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      // A response.completed without its response (a stage before that skipped validation).
      const source = cold('-c-x-t-|', { ...v, x: w({ type: 'response.completed' }) });
      expectObservable(source.pipe(normalizeEvents())).toBe('-c-#', { c: events.created() }, expect.any(TypeError));
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });
});
