import fc from 'fast-check';
import { StreamClosedError, responseEvents } from 'responses-rx';
import { EMPTY_TRANSCRIPT, toTranscript } from 'responses-rx/transcript';
import type { WireItem } from 'responses-rx';
import type { Transcript, TranscriptCell, TranscriptUpdate } from 'responses-rx/transcript';
import { PROVIDER_SHAPES, applyShape, items, streamedEvents, toSseText } from 'responses-rx/testing';
import type { ProviderShape, WireJson } from 'responses-rx/testing';
import { configureFastCheck } from '../proof';

configureFastCheck();

/** Runs an SSE text through responseEvents and toTranscript; collects the updates and the error, if any. */
async function transcriptOf(sse: string): Promise<{ updates: TranscriptUpdate[]; error: unknown }> {
  const updates: TranscriptUpdate[] = [];
  let error: unknown;
  await new Promise<void>((resolve) => {
    responseEvents(sse)
      .pipe(toTranscript())
      .subscribe({
        next: (update) => updates.push(update),
        error: (e: unknown) => {
          error = e;
          resolve();
        },
        complete: () => resolve(),
      });
  });
  return { updates, error };
}

const last = (updates: readonly TranscriptUpdate[]): Transcript => updates.at(-1)?.transcript ?? EMPTY_TRANSCRIPT;

/** What a user should see for an item, or nothing: whitespace is text, shown as sent whatever the provider shape. */
function expectedCell(item: WireItem): string | undefined {
  const record = item as Record<string, unknown>;
  if (item.type === 'message') {
    const text = (record['content'] as { text: string }[]).map((part) => part.text).join('');
    return text === '' ? undefined : `answer:${text}`;
  }
  if (item.type === 'reasoning') {
    const text = (record['summary'] as { text: string }[])
      .map((part) => part.text)
      .filter((t) => t !== '')
      .join('\n\n');
    return text === '' ? undefined : `reasoning:${text}`;
  }
  return `toolCall:${String(record['name'])}(${String(record['arguments'] ?? record['input'])})`;
}

const cellText = (cell: TranscriptCell): string =>
  cell.kind === 'toolCall' || cell.kind === 'approvalRequest'
    ? `toolCall:${cell.name}(${cell.arguments})`
    : `${cell.kind}:${cell.text}`;

describe('toTranscript over responseEvents', () => {
  const output = [
    items.reasoning('rs_1', '**Plan**\n\nLook it up.', 'Then answer.'),
    items.functionCall('fc_1', 'call_1', 'lookup', '{"city":"Paris"}'),
    items.message('msg_1', 'It is sunny in Paris today.'),
  ];
  const expected = output.map(expectedCell).filter((cell): cell is string => cell !== undefined);

  it.each(PROVIDER_SHAPES.map((shape) => [shape]))(
    'shows every answer and reasoning block once for a %s provider',
    async (shape) => {
      const { updates, error } = await transcriptOf(
        toSseText(applyShape(streamedEvents(output), shape as ProviderShape)),
      );
      expect(error).toBeUndefined();
      const transcript = last(updates);
      expect(transcript.status).toBe('completed');
      expect(transcript.cells.every((cell) => cell.status === 'final')).toBe(true);
      expect(transcript.cells.map(cellText).sort()).toEqual([...expected].sort());
      expect(updates.filter((u) => u.type === 'turnCompleted')).toHaveLength(1);
    },
  );

  it('keeps output order when everything streams, and streams each cell live', async () => {
    const { updates } = await transcriptOf(toSseText(streamedEvents(output)));
    expect(last(updates).cells.map(cellText)).toEqual(expected);
    const deltas = updates.filter((u) => u.type === 'cellDelta');
    expect(deltas.length).toBeGreaterThan(10);
    // A streamed cell is built from its deltas alone: the final items add no text.
    for (const cell of last(updates).cells) {
      if (cell.kind === 'toolCall' || cell.kind === 'approvalRequest') continue;
      const added = updates.find((u) => u.type === 'cellAdded' && u.cell.key === cell.key);
      const first =
        added?.type === 'cellAdded' && added.cell.kind !== 'toolCall' && added.cell.kind !== 'approvalRequest'
          ? added.cell.text
          : undefined;
      const streamed = deltas
        .filter((u) => u.cell.key === cell.key)
        .map((u) => (u.type === 'cellDelta' ? u.delta : ''));
      expect(`${first}${streamed.join('')}`).toBe(cell.text);
    }
  });

  it('emits immutable snapshots that share every unchanged cell with the previous one', async () => {
    const { updates } = await transcriptOf(toSseText(streamedEvents(output)));
    const frozen = updates.map((u) => JSON.stringify(u.transcript));
    let previous: Transcript = EMPTY_TRANSCRIPT;
    for (const update of updates) {
      expect(update.transcript).not.toBe(previous);
      if (update.type === 'cellDelta' || update.type === 'cellFinalized') {
        update.transcript.cells.forEach((cell, index) => {
          if (index === update.index) expect(cell).not.toBe(previous.cells[index]);
          else expect(cell).toBe(previous.cells[index]);
        });
        expect(update.transcript.cells[update.index]).toBe(update.cell);
      }
      previous = update.transcript;
    }
    // Nothing emitted earlier changed afterwards.
    expect(updates.map((u) => JSON.stringify(u.transcript))).toEqual(frozen);
  });

  it('reports a stream cut mid-answer as one error update with the typed error, after finalizing the cells', async () => {
    const events = streamedEvents([items.message('msg_1', 'This answer is cut short.')]);
    const cut = events.slice(0, events.findIndex((e) => e.type === 'response.output_text.delta') + 3);
    const { updates, error } = await transcriptOf(toSseText(cut));
    expect(error).toBeInstanceOf(StreamClosedError);
    const failure = updates.at(-1);
    expect(failure).toMatchObject({ type: 'error', turn: 1 });
    expect(failure?.type === 'error' ? failure.error : undefined).toBe(error);
    expect(last(updates)).toMatchObject({ status: 'errored', error });
    expect(last(updates).cells.map((cell) => [cell.status, cellText(cell)])).toEqual([
      ['final', 'answer:This answer '],
    ]);
    expect(updates.filter((u) => u.type === 'error')).toHaveLength(1);
  });

  // The property's counterexamples [[["message",[" "]]],"streamed",1] and [[["reasoning",[" "]]],"streamed",1]: a
  // whitespace-only answer or reasoning block that streamed was shown, one sent only as a final item was dropped.
  it.each(PROVIDER_SHAPES.flatMap((shape) => [' ', '\n\n'].map((text) => [shape, text])))(
    'shows a whitespace-only answer and reasoning block once, as sent, for a %s provider (%j)',
    async (shape, text) => {
      const built = [items.reasoning('rs_0', text), items.message('msg_1', text)];
      const { updates, error } = await transcriptOf(
        toSseText(applyShape(streamedEvents(built, { deltaSize: 1 }), shape as ProviderShape)),
      );
      expect(error).toBeUndefined();
      expect(last(updates).cells.map(cellText).sort()).toEqual([`answer:${text}`, `reasoning:${text}`]);
    },
  );

  it('shows each item once whatever the items, the provider shape and the delta size (property)', async () => {
    const text = fc.string({ minLength: 1, maxLength: 40 });
    const item = fc.oneof(
      fc.tuple(fc.constant('message'), fc.array(text, { minLength: 1, maxLength: 2 })),
      fc.tuple(fc.constant('reasoning'), fc.array(text, { minLength: 0, maxLength: 3 })),
      fc.tuple(fc.constant('function_call'), fc.array(text, { minLength: 1, maxLength: 1 })),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(item, { minLength: 0, maxLength: 4 }),
        fc.constantFrom(...PROVIDER_SHAPES),
        fc.integer({ min: 1, max: 9 }),
        async (specs, shape, deltaSize) => {
          const built: WireItem[] = specs.map(([type, texts], i) =>
            type === 'message'
              ? items.message(`msg_${i}`, ...texts)
              : type === 'reasoning'
                ? items.reasoning(`rs_${i}`, ...texts)
                : items.functionCall(`fc_${i}`, `call_${i}`, `tool_${i}`, texts[0] ?? ''),
          );
          const wire: WireJson[] = applyShape(streamedEvents(built, { deltaSize }), shape);
          const { updates, error } = await transcriptOf(toSseText(wire));
          expect(error).toBeUndefined();
          const want = built.map(expectedCell).filter((cell): cell is string => cell !== undefined);
          expect(last(updates).cells.map(cellText).sort()).toEqual(want.sort());
        },
      ),
      { numRuns: 150 },
    );
  });
});
