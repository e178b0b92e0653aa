/**
 * A fast-check arbitrary of identity-hostile providers (issue 10): from any list of items, a stream whose ids, output
 * indexes and `completed.output` a gateway has mangled, in every way the issue lists and any combination of them.
 */
import fc from 'fast-check';
import { type WireItem } from '../../lib';
import { type ProviderShape, type WireJson, applyShape, items, streamedEvents } from '../../lib/testing';

/** What a hostile gateway does to a stream. */
export interface Mangling {
  /** Removes `id` from every item (announced, finished and in `completed.output`). */
  readonly stripIds: boolean;
  /** Removes `output_index` from every event. */
  readonly stripOutputIndex: boolean;
  /** Removes `item_id` from every delta and part event. */
  readonly stripItemId: boolean;
  /** Gives an item one id when announced (its parts keep that one), another when done, a third in `completed.output`. */
  readonly rotateIds: boolean;
  /** Restarts `output_index` at 0 every this many items (a proxy that numbers each upstream round); 0: never. */
  readonly roundSize: number;
  /** Positions of `completed.output` left out (the rest move up: the output is compacted and renumbered). */
  readonly dropFromOutput: readonly number[];
  /** Positions of `completed.output` sent twice (the copy right after the item). */
  readonly repeatInOutput: readonly number[];
  /** The provider shape the stream was cut to before mangling. */
  readonly shape: ProviderShape;
  readonly deltaSize: number;
}

/** A stream of such a provider, and what a reader must get from it. */
export interface HostileStream {
  readonly items: readonly WireItem[];
  readonly mangling: Mangling;
  readonly events: readonly WireJson[];
  /** The items that reached the stream or `completed.output` at all, in output order. */
  readonly expected: readonly WireItem[];
}

/** Text with no two items alike: each item's content starts with its own tag (equal content is one item, by design). */
const text = fc.string({
  unit: fc.constantFrom('a', 'b', ' ', 'x', 'é', '日', '😀', '\n', '"', ':'),
  maxLength: 10,
});

/** One item of any kind, its content tagged with `n`. */
const itemAt = (n: number): fc.Arbitrary<WireItem> =>
  fc.oneof(
    fc
      .array(text, { minLength: 1, maxLength: 3 })
      .map(([first = '', ...rest]) => items.message(`msg_${n}`, `m${n}:${first}`, ...rest)),
    fc
      .array(text, { minLength: 1, maxLength: 2 })
      .map(([first = '', ...rest]) => items.reasoning(`rs_${n}`, `r${n}:${first}`, ...rest)),
    text.map((q) => items.functionCall(`fc_${n}`, `call_${n}`, 'lookup', JSON.stringify({ n, q }))),
    text.map((input) => items.customToolCall(`ct_${n}`, `call_c${n}`, 'shell', `c${n}:${input}`)),
    text.map((query): WireItem => ({
      type: 'web_search_call',
      id: `ws_${n}`,
      status: 'completed',
      action: { type: 'search', query: `q${n}:${query}` },
    })),
  );

const SHAPES: readonly ProviderShape[] = ['streamed', 'done-only', 'no-reasoning-deltas', 'empty-completed-output'];

export const hostileProvider: fc.Arbitrary<HostileStream> = fc
  .integer({ min: 1, max: 5 })
  .chain((count) =>
    fc.record({
      items: fc.tuple(...Array.from({ length: count }, (_, n) => itemAt(n))),
      mangling: fc.record({
        stripIds: fc.boolean(),
        stripOutputIndex: fc.boolean(),
        stripItemId: fc.boolean(),
        rotateIds: fc.boolean(),
        roundSize: fc.constantFrom(0, 0, 1, 2),
        dropFromOutput: fc.subarray(Array.from({ length: count }, (_, n) => n)),
        repeatInOutput: fc.subarray(Array.from({ length: count }, (_, n) => n)),
        shape: fc.constantFrom(...SHAPES),
        deltaSize: fc.integer({ min: 1, max: 5 }),
      }),
    }),
  )
  .map(({ items: list, mangling }) => mangle(list, mangling));

function mangle(list: readonly WireItem[], m: Mangling): HostileStream {
  const positionOf = new Map<unknown, number>(list.map((item, n) => [item.id, n]));
  const reId = (item: WireItem, phase: 'a' | 'd' | 'c'): WireItem => {
    const copy: Record<string, unknown> = { ...item };
    if (m.stripIds) delete copy['id'];
    else if (m.rotateIds) copy['id'] = `${String(item.id)}~${phase}`;
    return copy as WireItem;
  };
  const index = (value: unknown): number | undefined => {
    if (typeof value !== 'number' || m.stripOutputIndex) return undefined;
    return m.roundSize > 0 ? value % m.roundSize : value;
  };
  const output: WireItem[] = [];
  list.forEach((item, n) => {
    if (m.dropFromOutput.includes(n)) return;
    output.push(reId(item, 'c'));
    if (m.repeatInOutput.includes(n)) output.push(reId(item, 'c'));
  });
  const shaped = applyShape(streamedEvents(list, { deltaSize: m.deltaSize }), m.shape);
  const events = shaped.map((event): WireJson => {
    const copy: Record<string, unknown> = { ...event };
    if (event.type === 'response.completed') {
      copy['response'] = { ...(event['response'] as object), output };
      return copy as WireJson;
    }
    if ('output_index' in copy) {
      const at = index(copy['output_index']);
      if (at === undefined) delete copy['output_index'];
      else copy['output_index'] = at;
    }
    if (copy['item'] !== undefined) {
      copy['item'] = reId(copy['item'] as WireItem, event.type === 'response.output_item.added' ? 'a' : 'd');
    }
    if ('item_id' in copy) {
      if (m.stripItemId) delete copy['item_id'];
      else if (m.rotateIds) copy['item_id'] = `${String(copy['item_id'])}~a`;
    }
    return copy as WireJson;
  });
  // An item no event of the stream nor completed.output carries cannot be delivered: reasoning of a provider that
  // never streams it, left out of completed.output.
  const streamed = new Set<number>();
  for (const event of shaped) {
    const item = event['item'] as WireItem | undefined;
    const id = item?.id ?? event['item_id'];
    const n = positionOf.get(id);
    if (n !== undefined && event.type !== 'response.completed') streamed.add(n);
  }
  const expected = list.filter((_, n) => streamed.has(n) || !m.dropFromOutput.includes(n));
  return { items: list, mangling: m, events, expected };
}

/** An item's content, independent of ids and of fields a rebuilt item may lack (status, annotations). */
export function contentOf(item: WireItem): string {
  const record = item as Record<string, unknown>;
  const texts = (field: string): string =>
    ((record[field] ?? []) as { text?: string; refusal?: string }[]).map((p) => p.text ?? p.refusal ?? '').join('|');
  switch (item.type) {
    case 'message':
      return `message:${texts('content')}`;
    case 'reasoning':
      return `reasoning:${texts('summary')}`;
    case 'function_call':
      return `function_call:${String(record['name'])}(${String(record['arguments'])})`;
    case 'custom_tool_call':
      return `custom_tool_call:${String(record['name'])}(${String(record['input'])})`;
    default:
      return `${item.type}:${JSON.stringify(record['action'])}`;
  }
}
