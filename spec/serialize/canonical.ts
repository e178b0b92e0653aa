/**
 * What a canonical Responses stream is, checked event by event: the proof helper of the serializer specs. Every
 * written event passes the wire schemas, sequence numbers count from 0, items are announced at output indexes
 * 0, 1, 2… and finished once, every part event names an open item by its id and index, one terminal event ends the
 * stream, `response.completed` holds exactly the finished items (in the provider's order, not necessarily theirs), and the official `openai` client's own accumulator
 * rebuilds every finished item from the deltas and part events before `output_item.done` replaces it.
 */
import { accumulateResponse } from 'openai/lib/responses/ResponseAccumulator';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import { type WireItem, isKnownWireEventType, wireEventSchemas } from '../../lib';
import type { CanonicalWireEvent } from '../../lib/serialize';

const TERMINAL = new Set(['response.completed', 'response.failed', 'response.incomplete', 'error']);

/** The text a client shows for an item: answer or refusal parts, summary parts, reasoning parts, tool input. */
export function itemText(item: Record<string, unknown>): string {
  const parts = (key: string, field: string): string =>
    (Array.isArray(item[key]) ? (item[key] as Record<string, unknown>[]) : [])
      .map((part) => (typeof part[field] === 'string' ? (part[field] as string) : ''))
      .join('|');
  switch (item['type']) {
    case 'message':
      return `${parts('content', 'text')}/${parts('content', 'refusal')}`;
    case 'reasoning':
      return `${parts('summary', 'text')}/${parts('content', 'text')}`;
    case 'function_call':
      return String(item['arguments'] ?? '');
    case 'custom_tool_call':
      return String(item['input'] ?? '');
    default:
      return '';
  }
}

/**
 * Throws (with the offending event) unless `events` is one canonical Responses stream. `agreeing: false` skips the
 * check that the deltas build the finished item, for streams whose own deltas contradict their items.
 */
export function expectCanonical(events: readonly CanonicalWireEvent[], agreeing = true): void {
  const announced: WireItem[] = [];
  const finished: (WireItem | undefined)[] = [];
  let snapshot: ReturnType<typeof accumulateResponse> | undefined;
  events.forEach((event, i) => {
    const where = `event ${i} ${JSON.stringify(event)}`;
    if (event.sequence_number !== i) throw new Error(`sequence_number ${event.sequence_number} ≠ ${i} at ${where}`);
    if (isKnownWireEventType(event.type)) {
      const result = wireEventSchemas[event.type].safeParse(event);
      if (!result.success) throw new Error(`schema: ${result.error.message} at ${where}`);
    }
    if (i === 0 && event.type !== 'response.created' && event.type !== 'error') throw new Error(`first: ${where}`);
    if (TERMINAL.has(event.type) !== (i === events.length - 1)) throw new Error(`terminal not last: ${where}`);
    const index = event['output_index'];
    if (event.type === 'response.output_item.added') {
      if (index !== announced.length) throw new Error(`output_index not contiguous: ${where}`);
      announced.push(event['item'] as WireItem);
      finished.push(undefined);
    } else if (typeof index === 'number') {
      const item = announced[index];
      if (item === undefined || finished[index] !== undefined) throw new Error(`no open item: ${where}`);
      if (event['item_id'] !== undefined && event['item_id'] !== item.id) throw new Error(`item_id: ${where}`);
      if (event.type === 'response.output_item.done') {
        const done = event['item'] as WireItem;
        if (done.id !== item.id || done.type !== item.type) throw new Error(`done ≠ added: ${where}`);
        // openai's accumulator holds what the deltas and part events built: it must be the finished item's text.
        const built = snapshot?.output[index] as unknown as Record<string, unknown> | undefined;
        if (built === undefined || (agreeing && itemText(built) !== itemText(done))) {
          throw new Error(`deltas built ${JSON.stringify(built)}, done says ${JSON.stringify(done)}`);
        }
        finished[index] = done;
      }
    }
    if (event.type === 'response.completed') {
      const output = (event['response'] as { output: unknown }).output;
      if (finished.includes(undefined)) throw new Error(`an item was never finished: ${where}`);
      // Exactly the finished items, in the provider's order (spec/serialize/outputOrder.spec.ts checks the order).
      const sorted = (list: unknown) => (list as unknown[]).map((item) => JSON.stringify(item)).sort();
      expect(sorted(output)).toEqual(sorted(finished));
    }
    if (event.type !== 'error' || i > 0) {
      try {
        snapshot = accumulateResponse(event as unknown as ResponseStreamEvent, snapshot);
      } catch (error) {
        // Event types newer than this openai client (apply_patch diffs, shell commands) it does not accumulate.
        if (!String(error).includes('Unhandled response stream event')) throw error;
      }
    }
  });
}
