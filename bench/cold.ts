/**
 * One cold start, in a fresh process: `node cold.js <floor|responses-rx> <bytes file> <chunk size> <library>`.
 * Reads the bytes, then loads the library (`require`: eventsource-parser for the floor; the bundled responses-rx
 * entry, as a CLI or a serverless function loads the package, for responses-rx) and reads the stream until its first
 * event, then to its end. Prints one JSON line ({@link ColdResult}): the time from `require` to the first event, the
 * time from the process's start to it (what a CLI pays, Node's own start included), and the RSS at that moment.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { byteStream } from './byteStream';

/** What one cold start reports. */
export interface ColdResult {
  /** From just before `require` of the library to the first event of the first stream, in ms. */
  readonly requireToFirstMs: number;
  /** From the process's start (`performance.timeOrigin`) to the first event, in ms. */
  readonly startToFirstMs: number;
  /** From just before `require` to the end of the first stream, in ms. */
  readonly requireToEndMs: number;
  /** The resident set size when the first event arrived, in bytes. */
  readonly rssAtFirst: number;
  readonly events: number;
  /** For responses-rx, the `require` time of each part, in ms: `rxjs`, and `own` (the library with what it bundles). */
  readonly loads: Readonly<Record<string, number>>;
}

async function main(): Promise<void> {
  const [name, file, chunkArg, library] = process.argv.slice(2);
  if (file === undefined || library === undefined || (name !== 'floor' && name !== 'responses-rx')) {
    throw new TypeError('usage: cold <floor|responses-rx> <file> <chunk size> <library>');
  }
  const bytes = new Uint8Array(readFileSync(file));
  const body = byteStream(bytes, Number(chunkArg));
  let firstAt = NaN;
  let rssAtFirst = NaN;
  let events = 0;
  const seen = (): void => {
    if (events++ === 0) {
      firstAt = performance.now();
      rssAtFirst = process.memoryUsage.rss();
    }
  };
  const loads: Record<string, number> = {};
  const start = performance.now();
  if (name === 'floor') {
    const { createParser } = require(library) as typeof import('eventsource-parser');
    const parser = createParser({
      onEvent: (event) => {
        if ((JSON.parse(event.data) as { type: string }).type.length > 0) seen();
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
  } else {
    // The rxjs peer first, timed (the library's own require then finds it loaded): where the time goes. What is left
    // is the library itself, with the zod/mini code it bundles, and eventsource-parser.
    let at = performance.now();
    require('rxjs');
    loads.rxjs = performance.now() - at;
    at = performance.now();
    const { responseEvents } = require(library) as typeof import('../lib');
    loads.own = performance.now() - at;
    await new Promise<void>((resolve, reject) =>
      responseEvents(body).subscribe({ next: seen, error: reject, complete: resolve }),
    );
  }
  const end = performance.now();
  const result: ColdResult = {
    requireToFirstMs: firstAt - start,
    startToFirstMs: firstAt,
    requireToEndMs: end - start,
    rssAtFirst,
    events,
    loads,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
