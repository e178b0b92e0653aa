/**
 * fast-check arbitraries of the property suites: responses (output items in canonical wire shape), their SSE
 * rendering in every provider shape, hostile re-orderings, and byte soups.
 */
import fc from 'fast-check';
import { type WireItem } from '../../lib';
import {
  type ProviderShape,
  type WireJson,
  PROVIDER_SHAPES,
  applyShape,
  items,
  streamedEvents,
  toSseText,
} from '../../lib/testing';
import { concatBytes } from '../proof';

/** Short texts mixing ASCII, multi-byte characters, SSE and JSON specials. */
export const text = fc.string({
  unit: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom('a', 'b', ' ', 'x', '1') },
    { weight: 3, arbitrary: fc.constantFrom('é', 'ß', '日', '本', '😀', '🤔', '\u2028', '\uFEFF') },
    { weight: 2, arbitrary: fc.constantFrom('\n', '\r', '\r\n', '"', '\\', ':', 'data: ', '\u0000') },
  ),
  maxLength: 14,
});

/** One output item of a kind, in the canonical shape of the `items` builders; ids are assigned by position. */
const itemAt = (index: number): fc.Arbitrary<WireItem> =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc.array(text, { minLength: 1, maxLength: 2 }).map((texts) => items.message(`msg_${index}`, ...texts)),
    },
    {
      weight: 2,
      arbitrary: fc.array(text, { maxLength: 2 }).map((summaries) => items.reasoning(`rs_${index}`, ...summaries)),
    },
    {
      weight: 2,
      arbitrary: text.map((args) =>
        items.functionCall(`fc_${index}`, `call_${index}`, 'lookup', JSON.stringify({ q: args })),
      ),
    },
    {
      weight: 1,
      arbitrary: text.map((input) => items.customToolCall(`ct_${index}`, `call_c${index}`, 'shell', input)),
    },
    {
      weight: 1,
      arbitrary: fc.constant<WireItem>({ type: 'web_search_call', id: `ws_${index}`, status: 'completed' }),
    },
  );

/** The output items of one response: 1 to 4 items of mixed kinds, ids unique. */
export const output: fc.Arbitrary<WireItem[]> = fc
  .integer({ min: 1, max: 4 })
  .chain((count) => fc.tuple(...Array.from({ length: count }, (_, i) => itemAt(i))));

/** How a stream is framed: line endings, `event:` lines, a BOM, keep-alive comments, delta size. */
export interface Framing {
  readonly lineEnding: '\n' | '\r\n' | '\r';
  readonly eventNames: boolean;
  readonly bom: boolean;
  readonly comments: boolean;
  readonly deltaSize: number;
}

export const framing: fc.Arbitrary<Framing> = fc.record({
  lineEnding: fc.constantFrom<Framing['lineEnding']>('\n', '\r\n', '\r'),
  eventNames: fc.boolean(),
  bom: fc.boolean(),
  comments: fc.boolean(),
  deltaSize: fc.integer({ min: 1, max: 6 }),
});

export const shape: fc.Arbitrary<ProviderShape> = fc.constantFrom(...PROVIDER_SHAPES);

/** The wire events a provider of `shape` sends for `items`. */
export function shapedEvents(out: readonly WireItem[], providerShape: ProviderShape, deltaSize = 4): WireJson[] {
  return applyShape(streamedEvents(out, { deltaSize }), providerShape);
}

/** SSE text of wire events (or raw data strings) under a framing. */
export function frame(events: readonly (WireJson | string)[], f: Framing): string {
  const eol = f.lineEnding;
  const body = events
    .map((event) => (f.comments ? `: keep-alive${eol}${toSseText([event], f)}` : toSseText([event], f)))
    .join('');
  return (f.bom ? '\uFEFF' : '') + body;
}

/** A whole stream: response items, provider shape, framing, and its SSE text. */
export interface GeneratedStream {
  readonly output: WireItem[];
  readonly shape: ProviderShape;
  readonly framing: Framing;
  readonly text: string;
}

export const stream: fc.Arbitrary<GeneratedStream> = fc
  .record({ output, shape, framing })
  .map(({ output: out, shape: s, framing: f }) => ({
    output: out,
    shape: s,
    framing: f,
    text: frame(shapedEvents(out, s, f.deltaSize), f),
  }));

/** Offsets at which to cut `bytes`: random ones, plus ones just inside CRLFs, BOMs and multi-byte characters. */
export function cutsOf(bytes: Uint8Array): fc.Arbitrary<number[]> {
  const special: number[] = [];
  bytes.forEach((byte, i) => {
    if (byte === 0x0d || byte >= 0x80) special.push(i + 1);
  });
  return fc
    .tuple(
      fc.array(fc.integer({ min: 1, max: Math.max(1, bytes.length - 1) }), { maxLength: 30 }),
      fc.subarray(special, { maxLength: Math.min(30, special.length) }),
    )
    .map(([random, inside]) => [...random, ...inside]);
}

/** Events that break the protocol in every way a server can. */
export const garbageEvent: fc.Arbitrary<WireJson | string> = fc.oneof(
  fc.constantFrom<WireJson | string>(
    '{"type": nope',
    '[DONE]',
    '42',
    '{"no":"type"}',
    '{"object":"chat.completion.chunk","choices":[]}',
    { type: 'response.failed' },
    { type: 'response.incomplete', response: { incomplete_details: { reason: 'max_output_tokens' } } },
    { type: 'error', code: 'server_error', message: 'boom' },
    { type: 'response.output_text.delta' },
    { type: 'response.output_item.done', item: 'not an item' },
    { type: 'response.completed', response: { status: 'incomplete', output: [] } },
    { type: 'keepalive' },
    { type: 'response.future_event' },
  ),
  fc.record({ type: fc.constant('response.output_text.delta'), delta: text, sequence_number: fc.nat(60) }),
);

/**
 * Any sequence of events: a generated stream's events shuffled, duplicated, truncated, with garbage mixed in.
 */
export const hostileEvents: fc.Arbitrary<(WireJson | string)[]> = fc
  .record({ out: output, s: shape })
  .chain(({ out, s }) => {
    const events = shapedEvents(out, s);
    return fc
      .tuple(
        fc.shuffledSubarray(events, { minLength: 0, maxLength: events.length }),
        fc.array(fc.oneof(fc.constantFrom(...events), garbageEvent), { maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.boolean(),
      )
      .map(([kept, extra, positions, inOrder]) => {
        const base: (WireJson | string)[] = inOrder ? events.filter((e) => kept.includes(e)) : [...kept];
        extra.forEach((event, i) => base.splice((positions[i] ?? 0) % (base.length + 1), 0, event));
        return base;
      });
  });

/** Bytes that look like SSE often enough to reach every parser state, and random bytes otherwise. */
export const byteSoup: fc.Arbitrary<Uint8Array> = fc
  .array(
    fc.oneof(
      fc.uint8Array({ maxLength: 12 }),
      fc
        .constantFrom(
          'data: ',
          'data:',
          'event: ',
          'id: ',
          'retry: 1',
          ': c',
          '\n',
          '\r',
          '\r\n',
          '\n\n',
          '{"type":"response.created"}',
          '{"type":"response.completed","response":{"output":[]}}',
          '{"type":"response.output_text.delta","delta":"é"}',
          '{"type":"error"}',
          '<html>',
          '{',
          '\uFEFF',
          '😀',
        )
        .map((piece) => new TextEncoder().encode(piece)),
    ),
    { maxLength: 40 },
  )
  .map(concatBytes);
