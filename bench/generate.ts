/**
 * A deterministic generator of realistic Responses API SSE streams for the benchmark: every field the real events
 * carry (`sequence_number`, `logprobs`, `obfuscation`, full `response` objects with model, tools and usage), short
 * token-sized deltas, in three provider shapes and any size.
 *
 * @module
 */
import { type ProviderShape, type WireJson, applyShape, streamedEvents, toSseText } from '../lib/testing';
import type { WireItem } from '../lib/wire/schemas';

/** The provider shapes the benchmark measures. */
export const BENCH_SHAPES = [
  'streamed',
  'final-only',
  'no-reasoning-deltas',
] as const satisfies readonly ProviderShape[];
export type BenchShape = (typeof BENCH_SHAPES)[number];

/** The stream sizes the benchmark measures, in bytes (about). */
export const BENCH_SIZES = [
  { label: '2 KB', bytes: 2_000 },
  { label: '200 KB', bytes: 200_000 },
  { label: '20 MB', bytes: 20_000_000 },
] as const;

/** The chunk sizes the bytes are delivered in. */
export const BENCH_CHUNKS = [
  { label: '16 KiB', bytes: 16 * 1024 },
  { label: '64 B', bytes: 64 },
] as const;

/** Mulberry32: a tiny seeded PRNG, so every run generates the same bytes. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'the of and to in is that for it as with was on be by this are or from at an which but not have has can ' +
  'stream event response delta token parser buffer chunk reader value model answer reasoning summary output ' +
  'function argument schema request server client latency throughput memory allocation garbage collector ' +
  'observable operator subscriber scheduler timeout completed item message content part text index sequence ' +
  'café naïve résumé façade über straße 数据 流 — “quoted” `code` **bold** e.g. i.e. 42 3.14 1,024 0x1f'
).split(' ');

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function text(random: () => number, chars: number): string {
  let out = '';
  let sentence = 0;
  while (out.length < chars) {
    const word = WORDS[Math.floor(random() * WORDS.length)] ?? 'x';
    out += sentence === 0 ? word.charAt(0).toUpperCase() + word.slice(1) : word;
    sentence++;
    if (sentence > 8 && random() < 0.15) {
      out += random() < 0.2 ? '.\n\n' : '. ';
      sentence = 0;
    } else {
      out += random() < 0.08 ? ', ' : ' ';
    }
  }
  return out.slice(0, Math.max(chars, 1));
}

function hex(random: () => number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += Math.floor(random() * 16).toString(16);
  return out;
}

function obfuscation(random: () => number): string {
  let out = '';
  const length = 1 + Math.floor(random() * 15);
  for (let i = 0; i < length; i++) out += BASE62[Math.floor(random() * BASE62.length)];
  return out;
}

function responseObject(
  id: string,
  status: 'in_progress' | 'completed',
  output: readonly WireItem[],
  usage: Record<string, unknown> | null,
): Record<string, unknown> {
  return {
    id,
    object: 'response',
    created_at: 1757000000,
    status,
    background: false,
    completed_at: status === 'completed' ? 1757000042 : null,
    error: null,
    frequency_penalty: 0.0,
    incomplete_details: null,
    instructions: null,
    max_output_tokens: null,
    max_tool_calls: null,
    model: 'gpt-5-2025-08-07',
    output,
    parallel_tool_calls: true,
    presence_penalty: 0.0,
    previous_response_id: null,
    prompt_cache_key: null,
    reasoning: { effort: 'medium', summary: 'detailed' },
    safety_identifier: null,
    service_tier: status === 'completed' ? 'default' : 'auto',
    store: true,
    temperature: 1.0,
    text: { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: 'auto',
    tools: [
      {
        type: 'function',
        description: 'Get the current weather in a city.',
        name: 'get_weather',
        parameters: {
          type: 'object',
          properties: { city: { type: 'string' } },
          required: ['city'],
          additionalProperties: false,
        },
        strict: true,
      },
    ],
    top_logprobs: 0,
    top_p: 1.0,
    truncation: 'disabled',
    usage,
    user: null,
    metadata: {},
  };
}

/** Puts `type` first and the other keys in alphabetical order, as OpenAI serializes its events. */
function openAiOrder(event: Record<string, unknown>): WireJson {
  const ordered: Record<string, unknown> = { type: event['type'] };
  for (const key of Object.keys(event).sort()) if (key !== 'type') ordered[key] = event[key];
  return ordered as WireJson;
}

/**
 * The wire events of one realistic response: a reasoning item whose summary is a quarter of the answer's length,
 * then an assistant message of `answerChars` characters, streamed as OpenAI does, then cut down to `shape`.
 */
export function benchEvents(shape: BenchShape, answerChars: number, seed = 1): WireJson[] {
  const random = prng(seed);
  const responseId = `resp_${hex(random, 48)}`;
  const reasoning: WireItem = {
    id: `rs_${hex(random, 48)}`,
    type: 'reasoning',
    summary: [{ type: 'summary_text', text: text(random, Math.max(20, Math.floor(answerChars / 4))) }],
  };
  const message: WireItem = {
    id: `msg_${hex(random, 48)}`,
    type: 'message',
    status: 'completed',
    content: [{ type: 'output_text', annotations: [], logprobs: [], text: text(random, answerChars) }],
    role: 'assistant',
  };
  const outputTokens = Math.ceil((answerChars * 5) / 16);
  const usage = {
    input_tokens: 1204,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: outputTokens,
    output_tokens_details: { reasoning_tokens: Math.ceil(outputTokens / 5) },
    total_tokens: 1204 + outputTokens,
  };
  // Final-only drops the deltas: cutting the text into big pieces gives the same bytes, much faster.
  const deltaSize = shape === 'final-only' ? 1 << 16 : 4;
  const full = streamedEvents([reasoning, message], { responseId, deltaSize }).map((event) => {
    const type = event.type;
    const decorated: Record<string, unknown> = { ...event };
    if (type === 'response.created' || type === 'response.in_progress') {
      decorated['response'] = responseObject(responseId, 'in_progress', [], null);
    } else if (type === 'response.completed') {
      decorated['response'] = responseObject(responseId, 'completed', [reasoning, message], usage);
    } else if (type.endsWith('.delta')) {
      decorated['obfuscation'] = obfuscation(random);
    }
    return decorated as WireJson;
  });
  return applyShape(full, shape).map((event, index) => openAiOrder({ ...event, sequence_number: index }));
}

/** The SSE bytes of {@link benchEvents}. */
export function benchBytes(shape: BenchShape, answerChars: number, seed = 1): Uint8Array {
  return new TextEncoder().encode(toSseText(benchEvents(shape, answerChars, seed)));
}

/**
 * The bytes of a `shape` stream of about `targetBytes` bytes (never less than one short answer): the answer length
 * is solved from two probes, since the size grows linearly with it.
 */
export function generateStream(shape: BenchShape, targetBytes: number): Uint8Array {
  const a = benchBytes(shape, 400).length;
  const b = benchBytes(shape, 2_400).length;
  const perChar = (b - a) / 2_000;
  const chars = Math.max(40, Math.round(400 + (targetBytes - a) / perChar));
  return benchBytes(shape, chars);
}
