/**
 * The load run shared by `spec/load/load.spec.ts` and `scripts/load.ts`: many concurrent streams through the embedded
 * server and `streamResponse` on loopback (127.0.0.1 only), mixing provider shapes and faults, each stream's text and
 * items checked exactly.
 *
 * Every request names its stream in `input` (`stream-<n>`); the server's replay builds that stream's response from
 * the number, and the client rebuilds the same response to check what it received.
 */
import { isDeepStrictEqual } from 'node:util';
import { type ResponseEvent, type WireItem } from '../../lib';
import { streamResponse } from '../../lib/http';
import { type ResponsesServer, createResponsesServer } from '../../lib/server';
import { PROVIDER_SHAPES, type ProviderShape, items, streamedEvents } from '../../lib/testing';

/** A fault mixed into the load and the typed error it must produce (undefined: the stream must succeed). */
interface FaultCase {
  readonly fault: string | undefined;
  readonly expectedCode: string | undefined;
  readonly idleTimeoutMs: number;
}

const FAULTS: readonly FaultCase[] = [
  { fault: undefined, expectedCode: undefined, idleTimeoutMs: 30_000 },
  { fault: 'chunk=7', expectedCode: undefined, idleTimeoutMs: 30_000 },
  { fault: undefined, expectedCode: undefined, idleTimeoutMs: 30_000 },
  { fault: 'drop-completed', expectedCode: 'stream_closed', idleTimeoutMs: 30_000 },
  { fault: 'malformed', expectedCode: 'malformed_event', idleTimeoutMs: 30_000 },
  { fault: 'http-error=503', expectedCode: 'http_error', idleTimeoutMs: 30_000 },
  { fault: 'stall-after=2', expectedCode: 'idle_timeout', idleTimeoutMs: 400 },
];

/** The response of stream `n`: deterministic, multi-byte text, 1 to 4 items of mixed kinds (single-part messages). */
export function responseOf(n: number): WireItem[] {
  const words = ['alpha', 'βeta', 'gamma', '日本', 'delta 😀', 'epsilon', 'zeta\nline', 'ēta'];
  const say = (k: number, length: number) =>
    Array.from({ length }, (_, i) => words[(n + k + i) % words.length]).join(' ');
  const out: WireItem[] = [];
  if (n % 2 === 0) out.push(items.reasoning(`rs_${n}`, say(1, 3 + (n % 5))));
  out.push(items.message(`msg_${n}`, `#${n}: ${say(2, 5 + (n % 23))}`));
  if (n % 3 === 0) out.push(items.functionCall(`fc_${n}`, `call_${n}`, 'lookup', JSON.stringify({ q: say(3, 2) })));
  if (n % 5 === 0) out.push(items.message(`msg_${n}_b`, say(4, 4)));
  return out;
}

/** Which shape and fault stream `n` gets. */
export function planOf(n: number): { shape: ProviderShape; faultCase: FaultCase } {
  return {
    shape: PROVIDER_SHAPES[n % PROVIDER_SHAPES.length]!,
    faultCase: FAULTS[Math.floor(n / PROVIDER_SHAPES.length) % FAULTS.length]!,
  };
}

const streamNumber = (input: unknown): number => Number(String(input).replace('stream-', ''));

/** Shapes in which the first message's text streams as deltas. */
const TEXT_STREAMS: ReadonlySet<ProviderShape> = new Set(['streamed', 'no-reasoning-deltas', 'empty-completed-output']);

/** Why stream `n`'s events are wrong, or undefined when they are exactly right. */
export function check(n: number, values: readonly ResponseEvent[], error: unknown): string | undefined {
  const { shape, faultCase } = planOf(n);
  const code = (error as { code?: string } | undefined)?.code;
  if (faultCase.expectedCode !== undefined) {
    return code === faultCase.expectedCode
      ? undefined
      : `expected ${faultCase.expectedCode}, got ${code ?? 'completion'} (${String(error)})`;
  }
  if (error !== undefined) return `unexpected error ${code ?? ''}: ${String(error)}`;
  const out = responseOf(n);
  const done = values.flatMap((e) => (e.type === 'outputItemDone' ? [e] : []));
  const byIndex = [...done].sort((a, b) => (a.outputIndex ?? -1) - (b.outputIndex ?? -1));
  if (
    !isDeepStrictEqual(
      byIndex.map((e) => e.item),
      out,
    )
  )
    return `items differ: ${JSON.stringify(byIndex.map((e) => e.item))}`;
  if (values.at(-1)?.type !== 'completed' || values.filter((e) => e.type === 'completed').length !== 1)
    return 'completed not once and last';
  const firstMessage = out.find((item) => item.type === 'message')!;
  const deltas = values
    .flatMap((e) => (e.type === 'outputTextDelta' && e.itemId === firstMessage.id ? [e.delta] : []))
    .join('');
  const text = (firstMessage['content'] as { text: string }[])[0]!.text;
  const expectedDeltas = TEXT_STREAMS.has(shape) ? text : '';
  if (deltas !== expectedDeltas)
    return `text deltas differ: ${JSON.stringify(deltas)} vs ${JSON.stringify(expectedDeltas)}`;
  return undefined;
}

export interface LoadProgress {
  readonly done: number;
  readonly total: number;
  readonly expectedErrors: number;
  readonly failures: number;
  readonly streamsPerSecond: number;
  readonly peakRssBytes: number;
}

export interface LoadReport extends LoadProgress {
  readonly elapsedMs: number;
  /** The median and 99th-percentile time of one stream, from subscribe to its end, in milliseconds. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** The first failures (stream number and why), at most 20. */
  readonly failureDetails: readonly { n: number; why: string }[];
}

/**
 * Runs `total` streams, all at once, against one embedded server per (shape, fault) pair, on 127.0.0.1.
 *
 * @param total how many streams.
 * @param onProgress called about every 250 ms, and once at the end.
 */
export async function runLoad(total: number, onProgress?: (progress: LoadProgress) => void): Promise<LoadReport> {
  const servers = new Map<string, ResponsesServer>();
  const replay = (request: { input?: unknown }) =>
    streamedEvents(responseOf(streamNumber(request.input)), { deltaSize: 5 });
  for (let n = 0; n < Math.min(total, PROVIDER_SHAPES.length * FAULTS.length); n++) {
    const { shape, faultCase } = planOf(n);
    const key = `${shape}|${faultCase.fault ?? ''}`;
    if (!servers.has(key)) {
      servers.set(
        key,
        await createResponsesServer({
          port: 0,
          host: '127.0.0.1',
          shape,
          replay,
          ...(faultCase.fault ? { fault: faultCase.fault } : {}),
        }),
      );
    }
  }
  const started = Date.now();
  let peakRssBytes = process.memoryUsage().rss;
  let done = 0;
  let expectedErrors = 0;
  const failureDetails: { n: number; why: string }[] = [];
  const durations: number[] = [];
  const progress = (): LoadProgress => ({
    done,
    total,
    expectedErrors,
    failures: failureDetails.length,
    streamsPerSecond: done / Math.max(0.001, (Date.now() - started) / 1000),
    peakRssBytes,
  });
  const sampler = setInterval(() => {
    peakRssBytes = Math.max(peakRssBytes, process.memoryUsage().rss);
    onProgress?.(progress());
  }, 250);
  try {
    await Promise.all(
      Array.from({ length: total }, (_, n) => {
        const { shape, faultCase } = planOf(n);
        const server = servers.get(`${shape}|${faultCase.fault ?? ''}`)!;
        return new Promise<void>((resolve) => {
          const values: ResponseEvent[] = [];
          const begun = Date.now();
          const finish = (error: unknown) => {
            durations.push(Date.now() - begun);
            const why = check(n, values, error);
            if (why !== undefined) failureDetails.push({ n, why: `${shape} ${faultCase.fault ?? ''}: ${why}` });
            else if (faultCase.expectedCode !== undefined) expectedErrors++;
            done++;
            resolve();
          };
          streamResponse(
            { model: 'load', input: `stream-${n}` },
            { baseURL: server.url, apiKey: 'load', idleTimeoutMs: faultCase.idleTimeoutMs },
          ).subscribe({ next: (event) => values.push(event), error: finish, complete: () => finish(undefined) });
        });
      }),
    );
  } finally {
    clearInterval(sampler);
    await Promise.all([...servers.values()].map((server) => server.close()));
  }
  peakRssBytes = Math.max(peakRssBytes, process.memoryUsage().rss);
  const report = {
    ...progress(),
    elapsedMs: Date.now() - started,
    ...percentiles(durations),
    failureDetails: failureDetails.slice(0, 20),
  };
  onProgress?.(report);
  return report;
}

/** The median and 99th percentile of some durations (nearest rank). */
export function percentiles(durations: readonly number[]): { p50Ms: number; p99Ms: number } {
  const sorted = [...durations].sort((a, b) => a - b);
  const rank = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
  return { p50Ms: rank(0.5), p99Ms: rank(0.99) };
}

/** Why a background stream's events are wrong (text, items, order, or an event twice), or undefined. */
export function checkResumed(n: number, values: readonly ResponseEvent[], error: unknown): string | undefined {
  if (error !== undefined) return `unexpected error ${(error as { code?: string }).code ?? ''}: ${String(error)}`;
  const numbers = values.flatMap((event) => (event.sequenceNumber === undefined ? [] : [event.sequenceNumber]));
  for (let i = 1; i < numbers.length; i++)
    if (numbers[i]! <= numbers[i - 1]!) return `sequence number ${numbers[i]} after ${numbers[i - 1]}: an event twice`;
  const out = responseOf(n);
  const done = values.flatMap((event) => (event.type === 'outputItemDone' ? [event] : []));
  if (done.some((event) => event.recovered)) return 'an item was recovered although every item streamed';
  if (
    !isDeepStrictEqual(
      done.map((event) => event.item),
      out,
    )
  )
    return `items differ: ${JSON.stringify(done.map((e) => e.item))}`;
  if (values.at(-1)?.type !== 'completed' || values.filter((e) => e.type === 'completed').length !== 1)
    return 'completed not once and last';
  for (const message of out.filter((item) => item.type === 'message')) {
    const deltas = values
      .flatMap((e) => (e.type === 'outputTextDelta' && e.itemId === message.id ? [e.delta] : []))
      .join('');
    const text = (message['content'] as { text: string }[]).map((part) => part.text).join('');
    if (deltas !== text) return `text of ${message.id} differs: ${JSON.stringify(deltas)} vs ${JSON.stringify(text)}`;
  }
  return undefined;
}

/** What {@link runResumeLoad} reports. */
export interface ResumeLoadReport extends LoadReport {
  /** How many streams went to the server that cuts every connection. */
  readonly dropped: number;
  /** How many connections that server cut (each followed by a resume). */
  readonly cuts: number;
}

/** Events per connection before the dropping server cuts it: mid-answer for every stream of {@link responseOf}. */
export const DROP_AFTER = 12;

/**
 * Drop-and-resume load: `total` concurrent background streams (`background: true`, `resume` on); every third goes
 * to a server that cuts each connection after {@link DROP_AFTER} events (`drop-after`), so it is resumed from its
 * last sequence number until it completes. Every stream's text and items are checked exactly, and that no event
 * came twice.
 */
export async function runResumeLoad(
  total: number,
  onProgress?: (progress: LoadProgress) => void,
): Promise<ResumeLoadReport> {
  const replay = (request: { input?: unknown }) =>
    streamedEvents(responseOf(streamNumber(request.input)), { deltaSize: 5 });
  let cuts = 0;
  const background = { maxResponses: total + 10 };
  const steady = await createResponsesServer({ replay, background });
  const dropping = await createResponsesServer({
    replay,
    background,
    fault: `drop-after=${DROP_AFTER}`,
    onRequestEnd: (summary) => {
      if (summary.outcome === 'dropped') cuts++;
    },
  });
  const started = Date.now();
  let peakRssBytes = process.memoryUsage().rss;
  let done = 0;
  const failureDetails: { n: number; why: string }[] = [];
  const durations: number[] = [];
  const progress = (): LoadProgress => ({
    done,
    total,
    expectedErrors: 0,
    failures: failureDetails.length,
    streamsPerSecond: done / Math.max(0.001, (Date.now() - started) / 1000),
    peakRssBytes,
  });
  const sampler = setInterval(() => {
    peakRssBytes = Math.max(peakRssBytes, process.memoryUsage().rss);
    onProgress?.(progress());
  }, 250);
  try {
    await Promise.all(
      Array.from({ length: total }, (_, n) => {
        const server = n % 3 === 0 ? dropping : steady;
        return new Promise<void>((resolve) => {
          const values: ResponseEvent[] = [];
          const begun = Date.now();
          const finish = (error: unknown) => {
            durations.push(Date.now() - begun);
            const why = checkResumed(n, values, error);
            if (why !== undefined) failureDetails.push({ n, why });
            done++;
            resolve();
          };
          streamResponse(
            { model: 'load', input: `stream-${n}`, background: true },
            {
              baseURL: server.url,
              apiKey: 'load',
              idleTimeoutMs: 30_000,
              resume: { initialDelayMs: 10, maxResumes: 10 },
            },
          ).subscribe({ next: (event) => values.push(event), error: finish, complete: () => finish(undefined) });
        });
      }),
    );
  } finally {
    clearInterval(sampler);
    await Promise.all([steady.close(), dropping.close()]);
  }
  peakRssBytes = Math.max(peakRssBytes, process.memoryUsage().rss);
  const report = {
    ...progress(),
    elapsedMs: Date.now() - started,
    ...percentiles(durations),
    failureDetails: failureDetails.slice(0, 20),
    dropped: Math.ceil(total / 3),
    cuts,
  };
  onProgress?.(report);
  return report;
}
