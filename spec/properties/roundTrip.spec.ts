/**
 * Property: writing is the inverse of reading. For any normalized stream, `serializeEvents` writes one canonical
 * Responses stream (see `expectCanonical`), and reading what it writes gives back the same events:
 *
 * - exactly, for a canonical stream (a provider that streams everything, as OpenAI does);
 * - for any other stream (final-only, done-only, … providers, ids and indexes missing, items never finished, errors),
 *   its canonical form: every delivered item the same (ids generated where the provider sent none), the same answer
 *   spelled by the deltas, the same response and the same error. The canonical form is a fixed point: written again,
 *   it gives the same events, byte for byte.
 */
import fc from 'fast-check';
import { Observable, from } from 'rxjs';
import {
  type ResponseEvent,
  ResponseCancelledError,
  ResponseFailedError,
  ResponseIncompleteError,
  StreamClosedError,
  type WireItem,
  responseEvents,
} from '../../lib';
import { type CanonicalWireEvent, type SerializeEventsOptions, encodeSSE, serializeEvents } from '../../lib/serialize';
import { PROVIDER_SHAPES, events as build } from '../../lib/testing';
import { configureFastCheck, runSync } from '../proof';
import { expectCanonical, itemText } from '../serialize/canonical';
import { frame, framing, hostileEvents, output, shapedEvents, text } from './arbitraries';

configureFastCheck();

let ids = 0;
const options: SerializeEventsOptions = { createdAt: 1_700_000_000, model: 'm', generateId: (p) => `${p}_gen${ids++}` };

/** Writes the events, then the error (when given) as the source's error. */
function write(events: readonly ResponseEvent[], error?: unknown): CanonicalWireEvent[] {
  const source = new Observable<ResponseEvent>((subscriber) => {
    for (const event of events) subscriber.next(event);
    if (error === undefined) subscriber.complete();
    else subscriber.error(error);
  });
  const written = runSync(source.pipe(serializeEvents(options)));
  expect(written.error).toBeUndefined();
  expect(written.completed).toBe(true);
  return written.values;
}

function read(written: readonly CanonicalWireEvent[]): { values: ResponseEvent[]; error: unknown } {
  const frames = runSync(from(written).pipe(encodeSSE())).values.join('');
  const result = runSync(responseEvents(frames, { idleTimeoutMs: Infinity, unknownEvent: 'emit' }));
  return { values: result.values, error: result.error };
}

/**
 * Writes, reads, and writes again: both writes are canonical and the second equals the first. When the deltas of a
 * stream contradict its finished items (a hostile stream: deltas "é", then the item says "aaa é"), both are written as
 * received (a client's accumulator then holds the item's text once `output_item.done` arrives) and the second write holds
 * the same items and the same end (`fixedPoint: 'items'`).
 */
function roundTrip(values: readonly ResponseEvent[], error?: unknown, fixedPoint: 'events' | 'items' = 'events') {
  const first = write(values, error);
  expectCanonical(first, fixedPoint === 'events');
  const back = read(first);
  const second = write(back.values, back.error);
  expectCanonical(second, fixedPoint === 'events');
  if (fixedPoint === 'events') {
    expect(second).toEqual(first);
  } else {
    const finished = (written: CanonicalWireEvent[]) =>
      written.flatMap((e) => (e.type === 'response.output_item.done' ? [e['item']] : []));
    expect(finished(second)).toEqual(finished(first));
    expect(second.at(-1)).toEqual(first.at(-1));
  }
  return { first, back };
}

/**
 * The events without their `sequenceNumber`: a written stream numbers its own events 0, 1, 2… (what a client resumes
 * from), so the numbers read back are the writer's, not the provider's.
 */
const unnumbered = (events: readonly ResponseEvent[]) =>
  events.map(({ sequenceNumber: _, ...event }) => event as ResponseEvent);

const done = (events: readonly ResponseEvent[]) => events.flatMap((e) => (e.type === 'outputItemDone' ? [e.item] : []));
const deltasOf = (events: readonly ResponseEvent[], id: unknown) =>
  events.map((e) => (e.type === 'outputTextDelta' && e.itemId === id ? e.delta : '')).join('');

describe('serializeEvents round trip (property)', () => {
  it('gives back every kind of normalized event exactly', () => {
    const reasoning = {
      type: 'reasoning',
      id: 'rs_1',
      summary: [{ type: 'summary_text', text: 'Plan' }],
      content: [{ type: 'reasoning_text', text: 'Think' }],
    };
    const call = {
      type: 'function_call',
      id: 'fc_1',
      call_id: 'call_1',
      name: 'f',
      arguments: '{}',
      status: 'completed',
    };
    const custom = {
      type: 'custom_tool_call',
      id: 'ct_1',
      call_id: 'call_2',
      name: 'sh',
      input: 'ls',
      status: 'completed',
    };
    const message = {
      type: 'message',
      id: 'msg_1',
      role: 'assistant',
      status: 'completed',
      content: [{ type: 'output_text', text: 'Hi', annotations: [] }],
    };
    const usage = {
      input_tokens: 5,
      input_tokens_details: { cached_tokens: 1 },
      output_tokens: 7,
      output_tokens_details: { reasoning_tokens: 3 },
      total_tokens: 12,
    };
    const values: ResponseEvent[] = [
      build.created('resp_1'),
      { type: 'queued', responseId: 'resp_1' },
      { type: 'inProgress', responseId: 'resp_1' },
      build.itemAdded({ ...reasoning, summary: [], content: [] }, 0),
      { type: 'reasoningSummaryPartAdded', itemId: 'rs_1', summaryIndex: 0, outputIndex: 0 },
      build.summaryDelta('Plan', { itemId: 'rs_1', outputIndex: 0 }),
      build.reasoningContentDelta('Think', { itemId: 'rs_1', outputIndex: 0 }),
      build.itemDone(reasoning, 0),
      build.itemAdded({ ...call, arguments: '', status: 'in_progress' }, 1),
      build.toolInputDelta('{}', { itemId: 'fc_1', outputIndex: 1 }),
      build.itemDone(call, 1),
      build.itemAdded({ ...custom, input: '', status: 'in_progress' }, 2),
      build.toolInputDelta('ls', { itemId: 'ct_1', outputIndex: 2 }, 'custom_tool_call'),
      build.itemDone(custom, 2),
      build.itemAdded({ ...message, status: 'in_progress', content: [] }, 3),
      build.textDelta('Hi', { itemId: 'msg_1', outputIndex: 3 }),
      build.itemDone(message, 3),
      {
        type: 'completed',
        responseId: 'resp_1',
        usage: { inputTokens: 5, cachedInputTokens: 1, outputTokens: 7, reasoningOutputTokens: 3, totalTokens: 12 },
        response: {
          id: 'resp_1',
          object: 'response',
          status: 'completed',
          model: 'm',
          usage,
          output: [reasoning, call, custom, message],
        },
      },
    ];
    const { back } = roundTrip(values);
    expect(back.error).toBeUndefined();
    expect(unnumbered(back.values)).toEqual(values);
    expect(new Set(back.values.map((event) => event.type))).toEqual(
      new Set([
        'created',
        'queued',
        'inProgress',
        'outputItemAdded',
        'reasoningSummaryPartAdded',
        'reasoningSummaryDelta',
        'reasoningContentDelta',
        'outputItemDone',
        'toolCallInputDelta',
        'outputTextDelta',
        'completed',
      ]),
    );
  });

  it('gives back refusals, citations, logprobs, hosted-tool progress, input and output, images, audio and unknown events', () => {
    const at = (itemId: string, outputIndex: number) => ({ itemId, outputIndex });
    const citation = { type: 'url_citation', url: 'https://example.com', title: 'Ex', start_index: 0, end_index: 2 };
    const answer = {
      type: 'message',
      id: 'msg_1',
      role: 'assistant',
      status: 'completed',
      content: [{ type: 'output_text', text: 'Hi', annotations: [citation] }],
    };
    const refusal = {
      type: 'message',
      id: 'msg_2',
      role: 'assistant',
      status: 'completed',
      content: [{ type: 'refusal', refusal: 'No.' }],
    };
    const search = { type: 'web_search_call', id: 'ws_1', status: 'completed', action: { type: 'search', query: 'q' } };
    const shell = {
      type: 'shell_call',
      id: 'sh_1',
      call_id: 'call_s',
      status: 'completed',
      action: { commands: ['ls', 'pwd'] },
    };
    const shellOutput = {
      type: 'shell_call_output',
      id: 'sho_1',
      call_id: 'call_s',
      status: 'completed',
      output: [{ stdout: 'a\n', stderr: '', outcome: { type: 'exit', exit_code: 0 } }],
    };
    const code = { type: 'code_interpreter_call', id: 'ci_1', status: 'completed', code: 'print(6*7)', outputs: [] };
    const mcp = { type: 'mcp_call', id: 'mcp_1', status: 'completed', name: 'f', server_label: 's', arguments: '{}' };
    const patch = {
      type: 'apply_patch_call',
      id: 'apc_1',
      call_id: 'call_p',
      status: 'completed',
      operation: { type: 'create_file', path: 'a.md', diff: '+a' },
    };
    const image = { type: 'image_generation_call', id: 'ig_1', status: 'completed', result: 'QkJC' };
    const values = [
      build.created('resp_1'),
      build.itemAdded({ ...answer, status: 'in_progress', content: [] }, 0),
      {
        type: 'outputTextDelta',
        delta: 'Hi',
        ...at('msg_1', 0),
        contentIndex: 0,
        logprobs: [{ token: 'Hi', logprob: -0.1 }],
      },
      {
        type: 'outputTextAnnotationAdded',
        annotation: citation,
        annotationIndex: 0,
        ...at('msg_1', 0),
        contentIndex: 0,
      },
      build.itemDone(answer, 0),
      build.itemAdded({ ...refusal, status: 'in_progress', content: [] }, 1),
      { type: 'refusalDelta', delta: 'No.', ...at('msg_2', 1), contentIndex: 0 },
      build.itemDone(refusal, 1),
      build.itemAdded({ type: 'web_search_call', id: 'ws_1', status: 'in_progress' }, 2),
      { type: 'toolCallProgress', itemType: 'web_search_call', status: 'in_progress', ...at('ws_1', 2) },
      { type: 'toolCallProgress', itemType: 'web_search_call', status: 'searching', ...at('ws_1', 2) },
      { type: 'toolCallProgress', itemType: 'web_search_call', status: 'completed', ...at('ws_1', 2) },
      build.itemDone(search, 2),
      build.itemAdded({ ...shell, status: 'in_progress', action: { commands: [] } }, 3),
      build.toolInputDelta('', { ...at('sh_1', 3), commandIndex: 0 }, 'shell_call'),
      build.toolInputDelta('ls', { ...at('sh_1', 3), commandIndex: 0 }, 'shell_call'),
      build.toolInputDelta('', { ...at('sh_1', 3), commandIndex: 1 }, 'shell_call'),
      build.toolInputDelta('pwd', { ...at('sh_1', 3), commandIndex: 1 }, 'shell_call'),
      build.itemDone(shell, 3),
      build.itemAdded({ ...shellOutput, output: [] }, 4),
      {
        type: 'toolCallOutputDelta',
        itemType: 'shell_call_output',
        stdout: 'a\n',
        stderr: '',
        ...at('sho_1', 4),
        commandIndex: 0,
      },
      build.itemDone(shellOutput, 4),
      build.itemAdded({ ...code, status: 'in_progress', code: '' }, 5),
      { type: 'toolCallProgress', itemType: 'code_interpreter_call', status: 'interpreting', ...at('ci_1', 5) },
      build.toolInputDelta('print(6*7)', at('ci_1', 5), 'code_interpreter_call'),
      build.itemDone(code, 5),
      build.itemAdded({ ...mcp, status: 'in_progress', arguments: '' }, 6),
      build.toolInputDelta('{}', at('mcp_1', 6), 'mcp_call'),
      build.itemDone(mcp, 6),
      build.itemAdded({ ...patch, status: 'in_progress', operation: { ...patch.operation, diff: '' } }, 7),
      build.toolInputDelta('+a', at('apc_1', 7), 'apply_patch_call'),
      build.itemDone(patch, 7),
      build.itemAdded({ type: 'image_generation_call', id: 'ig_1', status: 'in_progress' }, 8),
      { type: 'toolCallProgress', itemType: 'image_generation_call', status: 'generating', ...at('ig_1', 8) },
      { type: 'partialImage', partialImageB64: 'QUFB', partialImageIndex: 0, ...at('ig_1', 8), size: '1024x1024' },
      build.itemDone(image, 8),
      { type: 'audioDelta', delta: 'AAAA' },
      { type: 'audioTranscriptDelta', delta: 'hi' },
      { type: 'unknownEvent', wireType: 'response.future_thing', event: { type: 'response.future_thing', foo: 1 } },
      build.completed([answer, refusal, search, shell, shellOutput, code, mcp, patch, image] as WireItem[]),
    ] as ResponseEvent[];
    const { back } = roundTrip(values);
    expect(back.error).toBeUndefined();
    const withoutNumbers = unnumbered(back.values).map((event) =>
      event.type === 'unknownEvent' ? { ...event, event: { ...event.event, sequence_number: undefined } } : event,
    );
    expect(withoutNumbers).toEqual(values);
  });

  it('gives back exactly the same events for a canonical stream', () => {
    fc.assert(
      fc.property(output, framing, (out, f) => {
        const original = runSync(responseEvents(frame(shapedEvents(out, 'streamed', f.deltaSize), f)));
        expect(original.error).toBeUndefined();
        const { back } = roundTrip(original.values);
        expect(back.error).toBeUndefined();
        expect(unnumbered(back.values)).toEqual(unnumbered(original.values));
      }),
      { numRuns: 50 },
    );
  });

  it.each(PROVIDER_SHAPES.map((shape) => [shape]))(
    'repairs the %s shape: every item the same, the answer spelled by deltas, the response kept',
    (shape) => {
      fc.assert(
        fc.property(output, framing, (out, f) => {
          const original = runSync(responseEvents(frame(shapedEvents(out, shape, f.deltaSize), f)));
          expect(original.error).toBeUndefined();
          const { back } = roundTrip(original.values);
          expect(back.error).toBeUndefined();
          // The same items, now in the provider's order (spec/serialize/outputOrder.spec.ts); all of them streamed.
          const inOrder = (items: readonly WireItem[]) =>
            out.flatMap((item) => items.filter((delivered) => delivered.id === item.id));
          expect(done(back.values)).toHaveLength(done(original.values).length);
          expect(inOrder(done(back.values))).toEqual(inOrder(done(original.values)));
          for (const item of done(back.values)) {
            if (item.type !== 'message') continue;
            const parts = item['content'] as { text: string }[];
            expect(deltasOf(back.values, item.id)).toBe(parts.map((part) => part.text).join(''));
          }
          const [completed, originalCompleted] = [back.values.at(-1), original.values.at(-1)];
          expect(completed?.type === 'completed' && completed.response.output).toEqual(inOrder(done(original.values)));
          expect(completed).toMatchObject({
            responseId: originalCompleted?.type === 'completed' && originalCompleted.responseId,
          });
        }),
        { numRuns: 25 },
      );
    },
  );

  it('writes the same terminal error it was given, for any hostile stream', () => {
    fc.assert(
      fc.property(hostileEvents, framing, (hostile, f) => {
        const original = runSync(responseEvents(frame(hostile, f), { idleTimeoutMs: Infinity, onMalformed: 'skip' }));
        const { back } = roundTrip(original.values, original.error, 'items');
        expect(done(back.values).map((item) => itemText(item))).toEqual(
          done(original.values).map((item) => itemText(item)),
        );
        if (original.error === undefined) {
          expect(back.error).toBeUndefined();
        } else if (original.error instanceof ResponseFailedError) {
          expect(back.error).toBeInstanceOf(ResponseFailedError);
          expect(back.error).toMatchObject({
            serverCode: original.error.serverCode,
            serverMessage: original.error.serverMessage,
            source: original.error.source,
            retryable: original.error.retryable,
          });
        } else if (original.error instanceof ResponseCancelledError) {
          expect(back.error).toBeInstanceOf(ResponseCancelledError);
        } else if (original.error instanceof ResponseIncompleteError) {
          expect(back.error).toBeInstanceOf(ResponseIncompleteError);
          expect(back.error).toMatchObject({ reason: original.error.reason });
        } else {
          // stream_closed, malformed_event, …: an `error` event with the responses-rx code.
          expect(back.error).toBeInstanceOf(ResponseFailedError);
          expect(back.error).toMatchObject({ serverCode: (original.error as { code: string }).code, source: 'error' });
        }
      }),
      { numRuns: 100 },
    );
  });

  it('closes every item of any hand-built stream: ids and indexes missing, deltas without announcement, items never finished', () => {
    type Mode = 'streamed' | 'whole' | 'unfinished' | 'deltasOnly';
    const plan = fc.array(
      fc.record({
        mode: fc.constantFrom<Mode>('streamed', 'whole', 'unfinished', 'deltasOnly'),
        pieces: fc.array(text, { minLength: 1, maxLength: 3 }),
        withId: fc.boolean(),
        withIndex: fc.boolean(),
        reasoning: fc.boolean(),
      }),
      { maxLength: 4 },
    );
    fc.assert(
      fc.property(plan, fc.boolean(), fc.boolean(), (steps, created, endsWithError) => {
        const values: ResponseEvent[] = created ? [build.created('resp_x')] : [];
        const expectedTexts: string[] = [];
        const openKinds = new Set<string>();
        steps.forEach((step, i) => {
          // An item that names neither an id nor an index is, by the identity rules (lib/items/identity), the open
          // item of its kind: an item left open names both, an item after it of the same kind names its index, and a
          // deltas-only item names its index, so that each item can be told apart.
          const kind = step.reasoning ? 'reasoning' : 'message';
          const named =
            step.mode === 'unfinished'
              ? { ...step, withId: true, withIndex: true }
              : openKinds.has(kind) || (step.mode === 'deltasOnly' && !step.withId)
                ? { ...step, withIndex: true }
                : step;
          if (step.mode === 'unfinished') openKinds.add(kind);
          const id = named.withId ? `${step.reasoning ? 'rs' : 'msg'}_${i}` : undefined;
          const at = { ...(id === undefined ? {} : { itemId: id }), ...(named.withIndex ? { outputIndex: i } : {}) };
          const whole = step.reasoning
            ? {
                ...build.summaryDelta('', at),
                item: { type: 'reasoning', id, summary: [{ type: 'summary_text', text: step.pieces.join('') }] },
              }
            : {
                ...build.textDelta('', at),
                item: {
                  type: 'message',
                  id,
                  role: 'assistant',
                  status: 'completed',
                  content: [{ type: 'output_text', text: step.pieces.join(''), annotations: [] }],
                },
              };
          const item = whole.item as WireItem;
          if (id === undefined) delete (item as { id?: string }).id;
          const deltas = step.pieces.map((piece) =>
            step.reasoning ? build.summaryDelta(piece, at) : build.textDelta(piece, at),
          );
          if (step.mode === 'streamed' || step.mode === 'unfinished') {
            values.push(
              build.itemAdded(step.reasoning ? { ...item, summary: [] } : { ...item, content: [] }, at.outputIndex),
            );
          }
          if (step.mode !== 'whole') values.push(...deltas);
          if (step.mode !== 'unfinished') values.push(build.itemDone(item, at.outputIndex, step.mode === 'whole'));
          expectedTexts.push(step.pieces.join(''));
        });
        const error = endsWithError ? new StreamClosedError() : undefined;
        if (!endsWithError) values.push(build.completed([]));
        const { first, back } = roundTrip(values, error);
        // Every item closed, with the text that arrived for it, in the order first seen.
        const closedEvents = first.filter((e) => e.type === 'response.output_item.done');
        const closed = closedEvents.map((e) => e['item'] as WireItem);
        const byIndex = [...closedEvents].sort((a, b) => Number(a['output_index']) - Number(b['output_index']));
        if (!endsWithError)
          expect(byIndex.map((e) => itemText(e['item'] as WireItem).replace(/^\/|\/$/g, ''))).toEqual(expectedTexts);
        expect(done(back.values)).toEqual(closed);
      }),
      { numRuns: 100 },
    );
  });
});
