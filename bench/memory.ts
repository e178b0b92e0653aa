/**
 * Memory probe: the RSS growth while reading one 20 MB final-only stream in 64-byte chunks, for the floor
 * (eventsource-parser + TextDecoder + JSON.parse) and for each stage of responses-rx, each in its own process so the
 * numbers compare like with like. `npm run bench:memory`.
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import { createParser } from 'eventsource-parser';
import type { Observable } from 'rxjs';
import { chunksOf, fromSSE, normalizeEvents, responseEvents, toWireEvents } from '../lib';
import { generateStream } from './generate';

const MODES = ['floor', 'chunks', 'sse', 'wire', 'responses-rx'] as const;
type Mode = (typeof MODES)[number];

async function probe(mode: Mode): Promise<void> {
  const bytes = generateStream('final-only', 20_000_000);
  let peak = 0;
  const stream = (): ReadableStream<Uint8Array> => {
    let offset = 0;
    let sampleAt = 0;
    return new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          if (offset >= bytes.length) return controller.close();
          const end = Math.min(offset + 64, bytes.length);
          controller.enqueue(bytes.subarray(offset, end));
          offset = end;
          if (offset > sampleAt) {
            sampleAt += 256 * 1024;
            peak = Math.max(peak, process.memoryUsage.rss());
          }
        },
      },
      { highWaterMark: 0 },
    );
  };
  const drain = (events$: Observable<unknown>) =>
    new Promise<void>((resolve, reject) => events$.subscribe({ error: reject, complete: () => resolve() }));
  const start = process.memoryUsage.rss();
  if (mode === 'floor') {
    const parser = createParser({ onEvent: (event) => void JSON.parse(event.data) });
    const decoder = new TextDecoder();
    const reader = stream().getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
    }
  } else if (mode === 'chunks') await drain(chunksOf(stream()));
  else if (mode === 'sse') await drain(fromSSE(stream()));
  else if (mode === 'wire') await drain(fromSSE(stream()).pipe(toWireEvents(), normalizeEvents()));
  else await drain(responseEvents(stream()));
  peak = Math.max(peak, process.resourceUsage().maxRSS * 1024);
  process.stdout.write(
    `${mode.padEnd(13)} RSS before ${(start / 1e6).toFixed(1)} MB, peak ${(peak / 1e6).toFixed(1)} MB, growth ${((peak - start) / 1e6).toFixed(1)} MB\n`,
  );
}

const mode = process.argv[2] as Mode | undefined;
if (mode !== undefined) {
  void probe(mode);
} else {
  process.stdout.write('20 MB final-only stream in 64-byte chunks, one process per line:\n');
  for (const each of MODES) {
    spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', __filename, each], { stdio: 'inherit' });
  }
}
