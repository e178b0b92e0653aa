/**
 * Every recorded OpenAI stream in ../shared/fixtures/recorded/openai (read in place) written again by serializeEvents
 * and read back: the same normalized events up to what writing makes canonical (see `comparable`), every kind the
 * recordings hold (citations, refusals, hosted-tool progress and input, shell commands and output, partial images,
 * apply_patch diffs, MCP calls, phases…), every item the same, and the same typed error for the recorded failures.
 * Each write is a canonical stream (see `expectCanonical`).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Observable, from } from 'rxjs';
import { type ResponseEvent, responseEvents } from '../../lib';
import { type CanonicalWireEvent, encodeSSE, serializeEvents } from '../../lib/serialize';
import { runSync } from '../proof';
import { recordedDir, recordingFiles, skipWithoutRecordings } from '../support';
import { expectCanonical } from './canonical';

const dir = recordedDir();

function typeOf(line: string): string {
  try {
    const type = (JSON.parse(line) as { type?: unknown }).type;
    if (typeof type === 'string') return type;
  } catch {
    // truncated JSON in the recording
  }
  return /"type"\s*:\s*"([^"]+)"/.exec(line)?.[1] ?? 'unknown';
}

/** One SSE text per HTTP response the recording holds. */
function streamsOf(file: string): string[] {
  const streams: string[][] = [];
  for (const line of readFileSync(path.join(dir!, file), 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    if (typeOf(line) === 'response.created' || streams.length === 0) streams.push([]);
    streams[streams.length - 1]!.push(`event: ${typeOf(line)}\ndata: ${line}\n\n`);
  }
  return streams.map((lines) => lines.join(''));
}

const read = (sse: string) => runSync(responseEvents(sse, { idleTimeoutMs: Infinity, unknownEvent: 'emit' }));

function write(values: readonly ResponseEvent[], error: unknown): CanonicalWireEvent[] {
  const source = new Observable<ResponseEvent>((subscriber) => {
    for (const value of values) subscriber.next(value);
    if (error === undefined) subscriber.complete();
    else subscriber.error(error);
  });
  return runSync(source.pipe(serializeEvents({ createdAt: 1, model: 'm' }))).values;
}

/**
 * The events without what writing makes canonical: `sequenceNumber` (renumbered), `outputIndex` (items numbered 0, 1,
 * 2… in the order first seen), `itemId` on parts (every part names its item by the item's one id), announcements
 * (every item is announced, also one the provider only finished) and `completed.response.output` (the delivered
 * items); answer deltas are checked apart (see `answers`). Everything else — every event kind and its payload, every
 * item whole — must come back as it was.
 */
const comparable = (events: readonly ResponseEvent[]) =>
  events
    .filter((event) => event.type !== 'outputTextDelta' && event.type !== 'outputItemAdded')
    .map((event) => {
      const { sequenceNumber: _n, ...rest } = event as ResponseEvent & { outputIndex?: unknown; itemId?: unknown };
      const { outputIndex: _i, itemId: _id, ...kept } = rest as Record<string, unknown>;
      if (event.type === 'completed') {
        // The written response always has an id and a status (the response's own when it had them: checked apart).
        const { id: _rid, status: _status, output: _output, ...response } = event.response;
        return { ...kept, responseId: undefined, response };
      }
      if (event.type === 'outputItemDone' && rotatedIds) return { ...kept, item: { ...event.item, id: undefined } };
      return kept;
    });

/**
 * Recordings whose provider rotates an item's id between `output_item.added` and `output_item.done`: the written
 * stream names each item by the one id it was announced with (a client such as the AI SDK keys its state on it).
 */
const ROTATED_IDS = new Set(['github-copilot-id-rotation.1.chunks.txt']);
let rotatedIds = false;

/** The answer deltas of each item, joined. */
function answers(events: readonly ResponseEvent[]): Map<string | undefined, string> {
  const texts = new Map<string | undefined, string>();
  for (const event of events) {
    // With rotating ids, a delta's item_id says nothing: one answer (the recording holds one).
    if (event.type !== 'outputTextDelta') continue;
    const key = rotatedIds ? undefined : event.itemId;
    texts.set(key, (texts.get(key) ?? '') + event.delta);
  }
  return texts;
}

const files = recordingFiles();

if (!dir) {
  skipWithoutRecordings('recorded streams written again', 'spec/serialize/recorded: the recorded-stream repair suite');
} else {
  describe('recorded streams written again', () => {
    it.each(files)('%s reads back as the same events', (file) => {
      rotatedIds = ROTATED_IDS.has(file);
      for (const sse of streamsOf(file)) {
        const original = read(sse);
        const written = write(original.values, original.error);
        expectCanonical(written);
        const back = read(runSync(from(written).pipe(encodeSSE())).values.join(''));
        expect(comparable(back.values)).toEqual(comparable(original.values));
        const [completed, completedBack] = [original.values.at(-1), back.values.at(-1)];
        if (completed?.type === 'completed' && completed.response.id != null) {
          expect(completedBack).toMatchObject({
            responseId: completed.responseId,
            response: { id: completed.response.id },
          });
        }
        // What streamed streams again; the rest of a text whose deltas stopped short follows it.
        const [before, after] = [answers(original.values), answers(back.values)];
        for (const [itemId, text] of before) expect(after.get(itemId)?.startsWith(text)).toBe(true);
        if (original.error === undefined) {
          expect(back.error).toBeUndefined();
        } else {
          expect((back.error as Error).name).toBe(
            (original.error as { code?: string }).code === 'malformed_event'
              ? 'ResponseFailedError'
              : (original.error as Error).name,
          );
        }
      }
    });
  });
}
