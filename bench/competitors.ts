/**
 * The ways the benchmark reads the same bytes (and, for `repair`, writes them again as the canonical stream). Each consumes every event it emits and returns how many it saw.
 * The libraries are loaded by `load()` before timing starts, so module loading is not measured.
 *
 * @module
 */

/** What a competitor does with one stream of bytes: consume it whole, and count the events it emitted. */
export type Consume = (body: ReadableStream<Uint8Array>) => Promise<number>;

/** A competitor: loads its library (untimed), then returns the consumer (timed). */
export interface Competitor {
  readonly name: CompetitorName;
  /** What it is, for the results table. */
  readonly description: string;
  /** The package whose version the table shows. */
  readonly packageName: string;
  load(): Consume;
}

export const COMPETITOR_NAMES = ['floor', 'openai', 'ai-sdk', 'responses-rx', 'repair'] as const;
export type CompetitorName = (typeof COMPETITOR_NAMES)[number];

/** A `fetch` that answers every request with `body` as an SSE response, as a server would. */
function fetchReturning(body: ReadableStream<Uint8Array>): typeof fetch {
  return async () => new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
}

const floor: Competitor = {
  name: 'floor',
  description: 'eventsource-parser + TextDecoder + JSON.parse per event',
  packageName: 'eventsource-parser',
  load() {
    const { createParser } = require('eventsource-parser') as typeof import('eventsource-parser');
    return async (body) => {
      let events = 0;
      let touched = 0;
      const parser = createParser({
        onEvent: (event) => {
          const json = JSON.parse(event.data) as { type: string };
          touched += json.type.length;
          events++;
        },
      });
      const decoder = new TextDecoder();
      const reader = body.getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        parser.feed(decoder.decode(value, { stream: true }));
      }
      parser.feed(decoder.decode());
      return touched > 0 ? events : 0;
    };
  },
};

const openai: Competitor = {
  name: 'openai',
  description: 'official client, `responses.create({ stream: true })`',
  packageName: 'openai',
  load() {
    const { default: OpenAI } = require('openai') as typeof import('openai');
    return async (body) => {
      const client = new OpenAI({
        apiKey: 'x',
        baseURL: 'http://bench.invalid/v1',
        maxRetries: 0,
        fetch: fetchReturning(body),
      });
      const stream = await client.responses.create({ model: 'gpt-x', input: 'hi', stream: true });
      let events = 0;
      let touched = 0;
      for await (const event of stream) {
        touched += event.type.length;
        events++;
      }
      return touched > 0 ? events : 0;
    };
  },
};

const aiSdk: Competitor = {
  name: 'ai-sdk',
  description: 'Vercel AI SDK, `@ai-sdk/openai` `responses(…).doStream`',
  packageName: '@ai-sdk/openai',
  load() {
    const { createOpenAI } = require('@ai-sdk/openai') as typeof import('@ai-sdk/openai');
    return async (body) => {
      const model = createOpenAI({ apiKey: 'x', fetch: fetchReturning(body) }).responses('gpt-x');
      const { stream } = await model.doStream({ prompt: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] });
      const reader = stream.getReader();
      let events = 0;
      let touched = 0;
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        touched += value.type.length;
        events++;
      }
      return touched > 0 ? events : 0;
    };
  },
};

/**
 * The responses-rx consumer, reading with the library at `dir` (a compiled copy of lib/: the bench's own by default,
 * another one for a paired before/after in one process).
 */
export function responsesRxFrom(dir = '../lib'): Consume {
  const { responseEvents } = require(dir) as typeof import('../lib');
  return (body) =>
    new Promise<number>((resolve, reject) => {
      let events = 0;
      let touched = 0;
      responseEvents(body).subscribe({
        next: (event) => {
          touched += event.type.length;
          events++;
        },
        error: reject,
        complete: () => resolve(touched > 0 ? events : 0),
      });
    });
}

const responsesRx: Competitor = {
  name: 'responses-rx',
  description: '`responseEvents(body)`',
  packageName: 'responses-rx',
  load: () => responsesRxFrom(),
};

const repair: Competitor = {
  name: 'repair',
  description:
    '`responseEvents(body).pipe(serializeEvents(), encodeSSEBytes())`: read, then write the canonical stream',
  packageName: 'responses-rx',
  load() {
    const { responseEvents } = require('../lib') as typeof import('../lib');
    const { encodeSSEBytes, serializeEvents } = require('../lib/serialize') as typeof import('../lib/serialize');
    return (body) =>
      new Promise<number>((resolve, reject) => {
        let frames = 0;
        let bytes = 0;
        responseEvents(body)
          .pipe(serializeEvents(), encodeSSEBytes())
          .subscribe({
            next: (frame) => {
              bytes += frame.length;
              frames++;
            },
            error: reject,
            complete: () => resolve(bytes > 0 ? frames : 0),
          });
      });
  },
};

/** Every competitor, in the order the benchmark alternates them. */
export const COMPETITORS: Readonly<Record<CompetitorName, Competitor>> = {
  floor,
  openai,
  'ai-sdk': aiSdk,
  'responses-rx': responsesRx,
  repair,
};
