/**
 * Property (issue 10): whatever a gateway does to ids, output indexes, item ids of deltas and `completed.output`
 * (stripped, rotated, restarted per round, compacted, dropped, repeated, in any combination and provider shape), under
 * the default `recoverMissing`: every item exactly once (compared by content), the text deltas intact, and the
 * transcript shows each answer, reasoning block and tool call exactly once — in output order whenever every item
 * streamed. Items are told apart by content, so no two generated items share one (the identity model's premise:
 * "How items are matched" in the README).
 */
import fc from 'fast-check';
import { from } from 'rxjs';
import { type ResponseEvent, type WireItem, responseEvents } from '../../lib';
import { type TranscriptCell, toTranscript } from '../../lib/transcript';
import { toSseText } from '../../lib/testing';
import { configureFastCheck, runSync } from '../proof';
import { contentOf, hostileProvider } from './hostileProviders';

configureFastCheck();

const doneItems = (values: readonly ResponseEvent[]): WireItem[] =>
  values.flatMap((e) => (e.type === 'outputItemDone' ? [e.item] : []));

/** What the transcript shows for an item: an answer, a reasoning block, or a tool call. */
function cellOf(item: WireItem): string | undefined {
  const record = item as Record<string, unknown>;
  const parts = (field: string, separator: string) =>
    ((record[field] ?? []) as { text?: string }[])
      .map((p) => p.text ?? '')
      .filter((t) => t !== '')
      .join(separator);
  if (item.type === 'message') return parts('content', '') === '' ? undefined : `answer:${parts('content', '')}`;
  if (item.type === 'reasoning') {
    const summary = parts('summary', '\n\n');
    return summary === '' ? undefined : `reasoning:${summary}`;
  }
  // A web search shows its query (README, toTranscript: a tool cell's input).
  const query =
    item.type === 'web_search_call' ? (record['action'] as { query?: string } | undefined)?.query : undefined;
  const input = record['arguments'] ?? record['input'] ?? query ?? JSON.stringify(record['action']);
  return `toolCall:${String(record['name'] ?? item.type)}(${String(input)})`;
}

const shown = (cell: TranscriptCell): string =>
  cell.kind === 'toolCall' || cell.kind === 'approvalRequest'
    ? `toolCall:${cell.name}(${cell.arguments})`
    : `${cell.kind}:${cell.text}`;

const sorted = (values: readonly string[]): string[] => [...values].sort();

describe('identity-hostile providers (property)', () => {
  it('delivers every item exactly once, the text deltas intact, and shows each once in the transcript', () => {
    fc.assert(
      fc.property(hostileProvider, ({ items, mangling, events, expected }) => {
        const result = runSync(responseEvents(toSseText(events), { idleTimeoutMs: Infinity }));
        expect(result.error).toBeUndefined();
        expect(result.values.filter((e) => e.type === 'completed')).toHaveLength(1);
        expect(result.values.at(-1)?.type).toBe('completed');

        // Every item exactly once, compared by content.
        const delivered = doneItems(result.values).map(contentOf);
        expect(sorted(delivered)).toEqual(sorted(expected.map(contentOf)));

        // The text deltas intact: every answer's text, in order, when the provider streams text.
        const deltas = result.values.flatMap((e) => (e.type === 'outputTextDelta' ? [e.delta] : [])).join('');
        const texts = items
          .filter((item) => item.type === 'message')
          .map((item) => ((item['content'] ?? []) as { text: string }[]).map((p) => p.text).join(''))
          .join('');
        expect(deltas).toBe(mangling.shape === 'done-only' ? '' : texts);

        // The transcript: each answer, reasoning block and tool call exactly once.
        const updates = runSync(from(result.values).pipe(toTranscript()));
        expect(updates.error).toBeUndefined();
        const cells = (updates.values.at(-1)?.transcript.cells ?? []).map(shown);
        const want = expected.map(cellOf).filter((cell): cell is string => cell !== undefined);
        expect(sorted(cells)).toEqual(sorted(want));
        // In output order when every item streamed to the transcript as it came.
        if (mangling.shape === 'streamed' || mangling.shape === 'empty-completed-output') {
          expect(cells).toEqual(want);
          expect(delivered).toEqual(expected.map(contentOf));
        }
      }),
      { numRuns: 300 },
    );
  });
});
