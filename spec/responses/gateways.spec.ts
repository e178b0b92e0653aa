/**
 * Stream shapes rebuilt from public bug reports against gateways and local servers (LiteLLM-style proxies, llama.cpp's
 * server, Chat-to-Responses bridges, Codex-backend relays, vLLM behind proxies). Each stands for its kind: every item
 * exactly once whatever a gateway does to ids, indexes and sequence numbers, and every way a stream ends read right.
 * Ids and texts are invented; only the shapes matter.
 */
import { type Observable, from, lastValueFrom, toArray } from 'rxjs';
import {
  type ResponseEvent,
  type ResponseEventsOptions,
  type Transcript,
  type TranscriptUpdate,
  type WireItem,
  responseEvents,
  toTranscript,
} from '../../lib';
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
    cell.kind === 'toolCall' ? `tool ${cell.name}(${cell.arguments})` : `${cell.kind}: ${cell.text}`,
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

export { collect };
