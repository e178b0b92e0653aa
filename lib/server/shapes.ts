/**
 * Provider shapes: how real providers cut down a full Responses stream. Used by the embedded server (to reproduce a
 * provider on a laptop) and by tests (to feed every shape through the same assertions).
 *
 * @module
 */
import type { WireItem } from '../wire/schemas';
import type { WireJson } from '../wire/json';

/**
 * - `streamed`: everything, as OpenAI sends it.
 * - `final-only`: `response.created`, then one synthesized `response.output_item.done` with the aggregated assistant
 *   message (its annotations, refusal part and `phase` kept), then `response.completed` (a gateway that buffers the
 *   answer).
 * - `completed-only`: `response.created` and `response.completed` only; the answer is in `completed.output`.
 * - `no-reasoning-deltas`: text streams, reasoning never does (no reasoning deltas, parts or reasoning items).
 * - `done-only`: no deltas and no finished items; text only through `*.done` events (`output_text.done`,
 *   `refusal.done`, `code_interpreter_call_code.done`, …), annotations and hosted-tool progress kept, and
 *   `completed.output` is empty.
 * - `empty-completed-output`: everything streams, but `completed.output` is empty.
 */
export type ProviderShape =
  'streamed' | 'final-only' | 'completed-only' | 'no-reasoning-deltas' | 'done-only' | 'empty-completed-output';

/** Every {@link ProviderShape}. */
export const PROVIDER_SHAPES: readonly ProviderShape[] = [
  'streamed',
  'final-only',
  'completed-only',
  'no-reasoning-deltas',
  'done-only',
  'empty-completed-output',
];

/** True when `value` names a {@link ProviderShape}. */
export function isProviderShape(value: unknown): value is ProviderShape {
  return typeof value === 'string' && (PROVIDER_SHAPES as readonly string[]).includes(value);
}

const REASONING_EVENTS = new Set([
  'response.reasoning_summary_part.added',
  'response.reasoning_summary_part.done',
  'response.reasoning_summary_text.delta',
  'response.reasoning_summary_text.done',
  'response.reasoning_text.delta',
  'response.reasoning_text.done',
]);

const DONE_ONLY_KEEP = new Set([
  'response.created',
  'response.in_progress',
  'response.output_item.added',
  'response.output_text.done',
  'response.reasoning_summary_text.done',
  'response.reasoning_text.done',
  'response.function_call_arguments.done',
  'response.custom_tool_call_input.done',
  // Not deltas: a provider that sends only whole parts still sends these.
  'response.refusal.done',
  'response.output_text.annotation.added',
  'response.code_interpreter_call_code.done',
  'response.mcp_call_arguments.done',
  'response.shell_call_command.done',
  'response.shell_call_output_content.done',
  'response.apply_patch_call_operation_diff.done',
]);

/** Hosted-tool progress (`response.web_search_call.searching`, …): kept by done-only, which drops only deltas. */
const TOOL_PROGRESS =
  /^response\.(web_search_call|file_search_call|code_interpreter_call|image_generation_call|mcp_call|mcp_list_tools)\.(in_progress|searching|interpreting|generating|completed|failed)$/;

/** What final-only gathers of the answer before it sends it whole. */
interface GatheredMessage {
  readonly id: unknown;
  readonly outputIndex: unknown;
  /** The message as announced (its `phase`, its `role`). */
  readonly added: WireItem;
  text: string;
  readonly done: Map<unknown, string>;
  refusal: string;
  refusalDone: string | undefined;
  readonly annotations: unknown[];
  /** The message's own `output_item.done`, when the upstream sent it: sent as it is. */
  item: WireItem | undefined;
}

const TERMINAL = new Set(['response.completed', 'response.failed', 'response.incomplete', 'error']);

/**
 * A stateful, streaming transformer that reshapes a wire event stream event by event (so it works on a live upstream
 * as well as on a recording). Feed each event in order; it returns the events to send in its place (often none).
 *
 * ## Example
 * ```ts
 * import { createShaper } from 'responses-rx/server'; // or 'responses-rx/testing'
 *
 * const shape = createShaper('final-only');
 * const sent = recorded.flatMap(shape);
 * ```
 *
 * @param shape the provider shape to reproduce.
 * @returns a function from one event to the events to send.
 */
export function createShaper(shape: ProviderShape): (event: WireJson) => WireJson[] {
  if (!isProviderShape(shape)) {
    throw new TypeError(`Unknown provider shape ${String(shape)}; expected one of ${PROVIDER_SHAPES.join(', ')}`);
  }
  const reasoningIndexes = new Set<unknown>();
  const reasoningIds = new Set<unknown>();
  let message: GatheredMessage | undefined;
  return (event) => {
    const type = event.type;
    switch (shape) {
      case 'streamed':
        return [event];
      case 'completed-only':
        return type === 'response.created' || type === 'response.in_progress' || TERMINAL.has(type) ? [event] : [];
      case 'empty-completed-output':
        return [type === 'response.completed' ? withOutput(event, []) : event];
      case 'done-only':
        if (type === 'response.completed') return [withOutput(event, [])];
        return DONE_ONLY_KEEP.has(type) || TERMINAL.has(type) || TOOL_PROGRESS.test(type) ? [event] : [];
      case 'no-reasoning-deltas': {
        if (REASONING_EVENTS.has(type)) return [];
        if (type === 'response.output_item.added' || type === 'response.output_item.done') {
          const item = event['item'] as WireItem | undefined;
          if (item?.type === 'reasoning') {
            reasoningIndexes.add(event['output_index']);
            reasoningIds.add(item.id);
            return [];
          }
        }
        return [event];
      }
      case 'final-only': {
        if (type === 'response.created' || type === 'response.in_progress') return [event];
        if (type === 'response.output_item.added') {
          const item = event['item'] as WireItem | undefined;
          if (item?.type === 'message' && message === undefined) {
            message = {
              id: item.id,
              outputIndex: event['output_index'],
              added: item,
              text: '',
              done: new Map(),
              refusal: '',
              refusalDone: undefined,
              annotations: [],
              item: undefined,
            };
          }
          return [];
        }
        if (message !== undefined && type === 'response.output_item.done') {
          const item = event['item'] as WireItem | undefined;
          if (item?.type === 'message' && (item.id === message.id || event['output_index'] === message.outputIndex)) {
            message.item = item;
          }
          return [];
        }
        if (message !== undefined && isFor(event, message.id, message.outputIndex)) {
          if (type === 'response.output_text.delta') message.text += String(event['delta']);
          if (type === 'response.output_text.done')
            message.done.set(event['content_index'] ?? 0, String(event['text']));
          if (type === 'response.refusal.delta') message.refusal += String(event['delta']);
          if (type === 'response.refusal.done') message.refusalDone = String(event['refusal']);
          if (type === 'response.output_text.annotation.added' && event['annotation'] != null) {
            message.annotations.push(event['annotation']);
          }
          return [];
        }
        if (type !== 'response.completed') return TERMINAL.has(type) ? [event] : [];
        const synthesized = synthesize(event, message);
        return synthesized ? [synthesized, event] : [event];
      }
    }
  };
}

/**
 * Reshapes a whole recorded stream.
 *
 * @param events the wire events, in order.
 * @param shape the provider shape.
 * @returns the events that provider would send.
 */
export function applyShape(events: readonly WireJson[], shape: ProviderShape): WireJson[] {
  const shaper = createShaper(shape);
  return events.flatMap((event) => shaper(event));
}

function isFor(event: WireJson, id: unknown, outputIndex: unknown): boolean {
  if (event['item_id'] !== undefined && id !== undefined) return event['item_id'] === id;
  return event['output_index'] !== undefined && event['output_index'] === outputIndex;
}

function withOutput(event: WireJson, output: readonly WireItem[]): WireJson {
  const response = (event['response'] ?? {}) as Record<string, unknown>;
  return { ...event, response: { ...response, output } };
}

function synthesize(completed: WireJson, message: GatheredMessage | undefined): WireJson | undefined {
  const output = (((completed['response'] ?? {}) as { output?: WireItem[] }).output ?? []) as WireItem[];
  if (message === undefined) {
    // Nothing streamed (replaying a stream that was final-only already): the final output is the aggregate.
    const index = output.findIndex((item) => item.type === 'message');
    if (index < 0) return undefined;
    return { type: 'response.output_item.done', output_index: index, item: output[index] };
  }
  const text = message.done.size > 0 ? [...message.done.values()].join('') : message.text;
  const refusal = message.refusalDone ?? message.refusal;
  const content: Record<string, unknown>[] = [];
  if (text !== '' || refusal === '') content.push({ type: 'output_text', text, annotations: message.annotations });
  if (refusal !== '') content.push({ type: 'refusal', refusal });
  // The upstream's own finished message (annotations, refusal, phase and all) when it sent one.
  const item = message.item ?? {
    ...message.added,
    type: 'message',
    id: message.id,
    role: 'assistant',
    status: 'completed',
    content,
  };
  return {
    type: 'response.output_item.done',
    ...(message.outputIndex === undefined ? {} : { output_index: message.outputIndex }),
    item,
  };
}

/**
 * Splits text into token-sized pieces (`size` code points each), as models stream it: a piece never ends inside a
 * surrogate pair (a model's delta is always whole code points), though it may end inside an emoji sequence.
 */
export function tokenize(text: string, size = 4): string[] {
  const codePoints = [...text];
  const pieces: string[] = [];
  for (let i = 0; i < codePoints.length; i += size) pieces.push(codePoints.slice(i, i + size).join(''));
  return pieces.length > 0 ? pieces : [''];
}

/**
 * The full stream OpenAI would send for a response with these output items: `response.created`, every item announced,
 * its text streamed as token-sized deltas, each part finished, each item finished, then `response.completed` with
 * the items as `output`. Every event carries a `sequence_number`.
 *
 * ## Example
 * ```ts
 * import { items, streamedEvents, applyShape, toSseText } from 'responses-rx/testing';
 *
 * const sse = toSseText(applyShape(streamedEvents([items.message('msg_1', 'Hello')]), 'final-only'));
 * ```
 *
 * @param output the items of the response, in output order.
 * @param options the response id, and the size of a delta in characters.
 * @returns the wire events.
 */
export function streamedEvents(
  output: readonly WireItem[],
  options: { responseId?: string; deltaSize?: number; usage?: Record<string, unknown> } = {},
): WireJson[] {
  const id = options.responseId ?? 'resp_1';
  const size = options.deltaSize ?? 4;
  const events: Record<string, unknown>[] = [];
  const response = { id, object: 'response', status: 'in_progress', output: [] };
  events.push({ type: 'response.created', response });
  events.push({ type: 'response.in_progress', response });
  output.forEach((item, outputIndex) => {
    const at = { item_id: item.id, output_index: outputIndex };
    const record = item as Record<string, unknown>;
    switch (item.type) {
      case 'message': {
        const parts = (record['content'] ?? []) as { type: string; text?: string }[];
        events.push({
          type: 'response.output_item.added',
          output_index: outputIndex,
          item: { ...item, status: 'in_progress', content: [] },
        });
        parts.forEach((part, contentIndex) => {
          const text = part.text ?? '';
          events.push({
            type: 'response.content_part.added',
            ...at,
            content_index: contentIndex,
            part: { type: 'output_text', text: '', annotations: [] },
          });
          for (const delta of tokenize(text, size)) {
            if (delta)
              events.push({
                type: 'response.output_text.delta',
                ...at,
                content_index: contentIndex,
                delta,
                logprobs: [],
              });
          }
          events.push({ type: 'response.output_text.done', ...at, content_index: contentIndex, text, logprobs: [] });
          events.push({ type: 'response.content_part.done', ...at, content_index: contentIndex, part });
        });
        break;
      }
      case 'reasoning': {
        const parts = (record['summary'] ?? []) as { type: string; text?: string }[];
        events.push({ type: 'response.output_item.added', output_index: outputIndex, item: { ...item, summary: [] } });
        parts.forEach((part, summaryIndex) => {
          const text = part.text ?? '';
          events.push({
            type: 'response.reasoning_summary_part.added',
            ...at,
            summary_index: summaryIndex,
            part: { type: 'summary_text', text: '' },
          });
          for (const delta of tokenize(text, size)) {
            if (delta)
              events.push({ type: 'response.reasoning_summary_text.delta', ...at, summary_index: summaryIndex, delta });
          }
          events.push({ type: 'response.reasoning_summary_text.done', ...at, summary_index: summaryIndex, text });
          events.push({ type: 'response.reasoning_summary_part.done', ...at, summary_index: summaryIndex, part });
        });
        break;
      }
      case 'function_call':
      case 'custom_tool_call': {
        const custom = item.type === 'custom_tool_call';
        const input = String(record[custom ? 'input' : 'arguments'] ?? '');
        const prefix = custom ? 'response.custom_tool_call_input' : 'response.function_call_arguments';
        events.push({
          type: 'response.output_item.added',
          output_index: outputIndex,
          item: { ...item, status: 'in_progress', [custom ? 'input' : 'arguments']: '' },
        });
        for (const delta of tokenize(input, size)) if (delta) events.push({ type: `${prefix}.delta`, ...at, delta });
        events.push({ type: `${prefix}.done`, ...at, [custom ? 'input' : 'arguments']: input });
        break;
      }
      default:
        events.push({ type: 'response.output_item.added', output_index: outputIndex, item });
    }
    events.push({ type: 'response.output_item.done', output_index: outputIndex, item });
  });
  events.push({
    type: 'response.completed',
    response: {
      id,
      object: 'response',
      status: 'completed',
      output: [...output],
      ...(options.usage ? { usage: options.usage } : {}),
    },
  });
  return events.map((event, sequence) => ({ ...event, sequence_number: sequence }) as unknown as WireJson);
}
