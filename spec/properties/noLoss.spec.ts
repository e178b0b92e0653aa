/**
 * Property: no loss, no duplicate. For any generated response delivered in any provider shape, under the default
 * `recoverMissing` policy, the `outputItemDone` items are the response's items, each exactly once, then `completed`.
 *
 * What "equal" means: deep equality of the item objects (the generator builds items in the canonical wire shape of
 * the `items` builders, which is also the shape `recoverMissing` rebuilds), in output order. One exception, by design
 * of the shape: a `final-only` provider sends its first assistant message as one synthesized single-part message,
 * so that message is compared by type, id, role and the concatenation of its text parts.
 */
import fc from 'fast-check';
import { from } from 'rxjs';
import { type WireItem, responseEvents } from '../../lib';
import { PROVIDER_SHAPES, type ProviderShape } from '../../lib/testing';
import { configureFastCheck, runSync } from '../proof';
import { frame, framing, output, shapedEvents } from './arbitraries';

configureFastCheck();

const encoder = new TextEncoder();

function joinedText(item: WireItem): unknown {
  const content = (item['content'] ?? []) as { text?: string }[];
  return { type: item.type, id: item.id, role: item['role'], text: content.map((part) => part.text ?? '').join('') };
}

function expected(out: readonly WireItem[], shape: ProviderShape): unknown[] {
  const firstMessage = out.findIndex((item) => item.type === 'message');
  return out.map((item, i) => (shape === 'final-only' && i === firstMessage ? joinedText(item) : item));
}

describe('no loss, no duplicate (property)', () => {
  it.each(PROVIDER_SHAPES.map((shape) => [shape]))('delivers every item exactly once in the %s shape', (shape) => {
    fc.assert(
      fc.property(output, framing, (out, f) => {
        const bytes = encoder.encode(frame(shapedEvents(out, shape, f.deltaSize), f));
        const result = runSync(responseEvents(from([bytes]), { idleTimeoutMs: Infinity }));
        expect(result.error).toBeUndefined();
        expect(result.completed).toBe(true);
        expect(result.values.at(-1)?.type).toBe('completed');
        const done = result.values.flatMap((e) => (e.type === 'outputItemDone' ? [e] : []));
        expect(done).toHaveLength(out.length);
        const byIndex = [...done].sort((a, b) => (a.outputIndex ?? -1) - (b.outputIndex ?? -1));
        expect(byIndex.map((e) => e.outputIndex)).toEqual(out.map((_, i) => i));
        const firstMessage = out.findIndex((item) => item.type === 'message');
        const actual = byIndex.map((e, i) =>
          shape === 'final-only' && i === firstMessage ? joinedText(e.item) : e.item,
        );
        expect(actual).toEqual(expected(out, shape));
      }),
      { numRuns: 60 },
    );
  });
});
