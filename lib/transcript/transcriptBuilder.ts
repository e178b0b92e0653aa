/**
 * The state machine behind `toTranscript`: normalized events in, transcript updates out. Internal; use the operator.
 *
 * @module
 */
import type { ResponseEvent } from '../events';
import type { WireItem } from '../wire/schemas';
import type { CellKind, ToolCallCell, Transcript, TranscriptCell, TranscriptUpdate } from './transcript';

/** What the builder remembers about one cell of the current turn (mutable; the cell itself is not). */
interface Slot {
  readonly index: number;
  readonly kind: CellKind;
  itemId: string | undefined;
  outputIndex: number | undefined;
  /** The part (`s0`, `r1`, …) the last reasoning delta belonged to: a new part starts after a blank line. */
  lastPart: string | undefined;
}

const REASONING_PART_SEPARATOR = '\n\n';

/**
 * Builds a transcript from normalized events, one event at a time. Each call returns the updates the event caused
 * (often one, sometimes none or several), each with its own immutable snapshot.
 *
 * Cost: a delta copies one cell (its text grows by concatenation) and the array of cell references; other cells are
 * shared with the previous snapshot.
 */
export class TranscriptBuilder {
  private state: Transcript;
  /** The cells of the current turn. */
  private slots: Slot[] = [];
  private readonly byId = new Map<string, Slot>();
  private readonly byIndex = new Map<number, Slot>();
  private inTurn = false;
  private out: TranscriptUpdate[] = [];

  constructor(initial: Transcript) {
    this.state = initial;
    // Cells left streaming by an earlier, cancelled stream are finalized when the next turn starts.
    initial.cells.forEach((cell, index) => {
      if (cell.status === 'streaming') {
        this.slots.push({ index, kind: cell.kind, itemId: undefined, outputIndex: undefined, lastPart: undefined });
      }
    });
  }

  /** The latest snapshot. */
  get transcript(): Transcript {
    return this.state;
  }

  /** Applies one event; returns the updates it caused. */
  apply(event: ResponseEvent): TranscriptUpdate[] {
    this.out = [];
    if (event.type === 'created') {
      this.startTurn(event.responseId);
      return this.out;
    }
    if (!this.inTurn) this.startTurn(undefined);
    switch (event.type) {
      case 'outputTextDelta':
        this.delta('answer', event.itemId, event.outputIndex, 'c', event.delta);
        break;
      case 'reasoningSummaryDelta':
        this.delta('reasoning', event.itemId, event.outputIndex, `s${event.summaryIndex}`, event.delta);
        break;
      case 'reasoningContentDelta':
        this.delta('reasoning', event.itemId, event.outputIndex, `r${event.contentIndex}`, event.delta);
        break;
      case 'toolCallInputDelta':
        this.delta('toolCall', event.itemId, event.outputIndex, 't', event.delta, event.callId);
        break;
      case 'outputItemAdded':
        if (kindOf(event.item) === 'toolCall') this.toolCallAdded(event.item, event.outputIndex);
        break;
      case 'outputItemDone':
        this.itemDone(event.item, event.outputIndex, event.recovered);
        break;
      case 'completed':
        this.finalizeOpen();
        this.state = {
          ...this.state,
          status: 'completed',
          responseId: event.responseId ?? this.state.responseId,
          usage: event.usage,
        };
        this.out.push({
          type: 'turnCompleted',
          turn: this.state.turn,
          responseId: this.state.responseId,
          usage: event.usage,
          transcript: this.state,
        });
        break;
      default:
        // reasoningSummaryPartAdded and any event a UI does not draw: nothing to show.
        break;
    }
    return this.out;
  }

  /** The source failed: finalizes the streaming cells and reports `error` once. */
  fail(error: unknown): TranscriptUpdate[] {
    this.out = [];
    this.finalizeOpen();
    this.state = { ...this.state, status: 'errored', error };
    this.out.push({ type: 'error', turn: this.state.turn, error, transcript: this.state });
    return this.out;
  }

  /** The source completed: finalizes the cells still streaming (nothing more can arrive for them). */
  end(): TranscriptUpdate[] {
    this.out = [];
    this.finalizeOpen();
    return this.out;
  }

  private startTurn(responseId: string | undefined): void {
    this.finalizeOpen();
    this.slots = [];
    this.byId.clear();
    this.byIndex.clear();
    this.inTurn = true;
    const turn = this.state.turn + 1;
    this.state = { ...this.state, turn, responseId, status: 'streaming', error: undefined, usage: undefined };
    this.out.push({ type: 'turnStarted', turn, responseId, transcript: this.state });
  }

  private delta(
    kind: CellKind,
    itemId: string | undefined,
    outputIndex: number | undefined,
    part: string,
    delta: string,
    callId?: string,
  ): void {
    if (delta === '') return;
    const slot = this.find(kind, itemId, outputIndex);
    if (slot === undefined) {
      const base = this.newBase(itemId, outputIndex, 'streaming', false);
      const cell: TranscriptCell =
        kind === 'answer'
          ? { ...base, kind, text: delta, refusal: false }
          : kind === 'reasoning'
            ? { ...base, kind, text: delta }
            : { ...base, kind, itemType: 'function_call', name: 'function_call', arguments: delta, callId };
      this.add(cell, itemId, outputIndex).lastPart = part;
      return;
    }
    this.register(slot, itemId, outputIndex);
    const cell = this.cellAt(slot.index);
    if (cell.status === 'final') return;
    let piece = delta;
    if (cell.kind === 'toolCall') {
      this.replace(slot.index, { ...cell, arguments: cell.arguments + piece, callId: cell.callId ?? callId });
    } else {
      if (slot.lastPart !== undefined && slot.lastPart !== part && cell.text !== '')
        piece = REASONING_PART_SEPARATOR + delta;
      this.replace(slot.index, { ...cell, text: cell.text + piece });
    }
    slot.lastPart = part;
    this.out.push({
      type: 'cellDelta',
      cell: this.cellAt(slot.index),
      index: slot.index,
      delta: piece,
      transcript: this.state,
    });
  }

  private toolCallAdded(item: WireItem, outputIndex: number | undefined): void {
    const itemId = item.id ?? undefined;
    if (this.find('toolCall', itemId, outputIndex) !== undefined) return;
    const tool = toolOf(item);
    this.add(
      { ...this.newBase(itemId, outputIndex, 'streaming', false), kind: 'toolCall', ...tool },
      itemId,
      outputIndex,
    );
  }

  private itemDone(item: WireItem, outputIndex: number | undefined, recovered: boolean): void {
    const kind = kindOf(item);
    if (kind === undefined) return;
    const itemId = item.id ?? undefined;
    const slot = this.find(kind, itemId, outputIndex);
    if (slot !== undefined) {
      this.register(slot, itemId, outputIndex);
      this.close(slot, item);
      return;
    }
    // Nothing streamed for this item: show it whole, unless this turn already shows it (a re-sent or recovered copy).
    const base = this.newBase(itemId, outputIndex, 'final', recovered);
    if (kind === 'toolCall') {
      const tool = toolOf(item);
      const shown =
        tool.callId !== undefined
          ? this.shownSlot((cell) => cell.kind === 'toolCall' && cell.callId === tool.callId)
          : undefined;
      if (shown !== undefined) {
        this.register(shown, itemId, outputIndex);
        this.close(shown, item);
        return;
      }
      this.add({ ...base, kind, ...tool }, itemId, outputIndex);
      return;
    }
    const text = kind === 'answer' ? messageText(item) : reasoningText(item);
    // An empty final item never adds an empty cell (nor wipes one: matched cells keep their streamed text).
    if (text.trim() === '') return;
    // Same text at no contradicting output index: a copy whose id was rotated (two items at two indexes may share a text).
    const shown = this.shownSlot(
      (cell, at) =>
        cell.kind === kind &&
        (at.outputIndex === undefined || outputIndex === undefined || at.outputIndex === outputIndex) &&
        cell.text.trim() === text.trim(),
    );
    if (shown !== undefined) {
      this.register(shown, itemId, outputIndex);
      this.close(shown, item);
      return;
    }
    const cell: TranscriptCell =
      kind === 'answer' ? { ...base, kind, text, refusal: hasRefusal(item) } : { ...base, kind, text };
    this.add(cell, itemId, outputIndex);
  }

  /** Makes a streaming cell final with what its final item adds (never its text again). A final cell stays as is. */
  private close(slot: Slot, item: WireItem | undefined): void {
    let cell = this.cellAt(slot.index);
    if (cell.status === 'final') return;
    if (item !== undefined && cell.kind !== 'toolCall') {
      // The stream stopped short of the final text (a lost delta): show only the rest, never the text again.
      const text = cell.kind === 'answer' ? messageText(item) : reasoningText(item);
      if (text.length > cell.text.length && text.startsWith(cell.text)) {
        const rest = text.slice(cell.text.length);
        cell = { ...cell, text };
        this.replace(slot.index, cell);
        this.out.push({ type: 'cellDelta', cell, index: slot.index, delta: rest, transcript: this.state });
      }
    }
    let closed: TranscriptCell;
    if (cell.kind === 'toolCall') {
      const tool = item === undefined ? undefined : toolOf(item);
      closed = {
        ...cell,
        status: 'final',
        ...(tool === undefined
          ? {}
          : {
              itemType: tool.itemType,
              name: tool.name,
              arguments: tool.arguments !== '' ? tool.arguments : cell.arguments,
              callId: tool.callId ?? cell.callId,
            }),
      };
    } else if (cell.kind === 'answer') {
      closed = { ...cell, status: 'final', refusal: cell.refusal || (item !== undefined && hasRefusal(item)) };
    } else {
      closed = { ...cell, status: 'final' };
    }
    this.replace(slot.index, closed);
    this.out.push({ type: 'cellFinalized', cell: closed, index: slot.index, transcript: this.state });
  }

  private finalizeOpen(): void {
    for (const slot of this.slots) this.close(slot, undefined);
  }

  /**
   * The cell of the current turn an event belongs to: by item id, else by output index (a provider may rotate ids),
   * else the latest streaming cell of the same kind that nothing contradicts (events without id and index).
   */
  private find(kind: CellKind, itemId: string | undefined, outputIndex: number | undefined): Slot | undefined {
    const byId = itemId === undefined ? undefined : this.byId.get(itemId);
    if (byId !== undefined && byId.kind === kind) return byId;
    const byIndex = outputIndex === undefined ? undefined : this.byIndex.get(outputIndex);
    if (byIndex !== undefined && byIndex.kind === kind) return byIndex;
    for (let i = this.slots.length - 1; i >= 0; i--) {
      const slot = this.slots[i];
      if (slot === undefined || slot.kind !== kind || this.cellAt(slot.index).status !== 'streaming') continue;
      const idFits = slot.itemId === undefined || itemId === undefined;
      const indexFits = slot.outputIndex === undefined || outputIndex === undefined;
      if (idFits && indexFits) return slot;
    }
    return undefined;
  }

  /** A cell of the current turn that `test` accepts. */
  private shownSlot(test: (cell: TranscriptCell, slot: Slot) => boolean): Slot | undefined {
    return this.slots.find((slot) => test(this.cellAt(slot.index), slot));
  }

  private register(slot: Slot, itemId: string | undefined, outputIndex: number | undefined): void {
    if (itemId !== undefined && !this.byId.has(itemId)) this.byId.set(itemId, slot);
    if (outputIndex !== undefined && !this.byIndex.has(outputIndex)) this.byIndex.set(outputIndex, slot);
    slot.itemId ??= itemId;
    slot.outputIndex ??= outputIndex;
  }

  private newBase(
    itemId: string | undefined,
    outputIndex: number | undefined,
    status: 'streaming' | 'final',
    recovered: boolean,
  ) {
    const turn = this.state.turn;
    return { key: `${turn}:${this.slots.length}`, turn, status, itemId, outputIndex, recovered };
  }

  private add(cell: TranscriptCell, itemId: string | undefined, outputIndex: number | undefined): Slot {
    const index = this.state.cells.length;
    const slot: Slot = { index, kind: cell.kind, itemId: undefined, outputIndex: undefined, lastPart: undefined };
    this.slots.push(slot);
    this.register(slot, itemId, outputIndex);
    this.state = { ...this.state, cells: [...this.state.cells, cell] };
    this.out.push({ type: 'cellAdded', cell, index, transcript: this.state });
    return slot;
  }

  private replace(index: number, cell: TranscriptCell): void {
    const cells = this.state.cells.slice();
    cells[index] = cell;
    this.state = { ...this.state, cells };
  }

  private cellAt(index: number): TranscriptCell {
    const cell = this.state.cells[index];
    if (cell === undefined) throw new Error(`toTranscript: no cell at ${index} (internal error)`);
    return cell;
  }
}

function kindOf(item: WireItem): CellKind | undefined {
  if (item.type === 'message') return 'answer';
  if (item.type === 'reasoning') return 'reasoning';
  if (item.type === 'function_call' || item.type === 'custom_tool_call' || item.type.endsWith('_call'))
    return 'toolCall';
  return undefined;
}

function partsOf(item: WireItem, field: string): Record<string, unknown>[] {
  const parts = item[field];
  return Array.isArray(parts)
    ? parts.filter((part): part is Record<string, unknown> => typeof part === 'object' && part !== null)
    : [];
}

function stringField(record: Record<string, unknown>, field: string): string | undefined {
  const value = record[field];
  return typeof value === 'string' ? value : undefined;
}

/** The text of a message item: its `output_text` (or any text) parts and `refusal` parts, joined. */
function messageText(item: WireItem): string {
  return partsOf(item, 'content')
    .map((part) => (part['type'] === 'refusal' ? stringField(part, 'refusal') : stringField(part, 'text')) ?? '')
    .join('');
}

function hasRefusal(item: WireItem): boolean {
  return partsOf(item, 'content').some((part) => part['type'] === 'refusal');
}

/** The text of a reasoning item: its summary parts, or its content parts when the summary is empty. */
function reasoningText(item: WireItem): string {
  const join = (field: string): string =>
    partsOf(item, field)
      .map((part) => stringField(part, 'text') ?? '')
      .filter((text) => text !== '')
      .join(REASONING_PART_SEPARATOR);
  const summary = join('summary');
  return summary !== '' ? summary : join('content');
}

function toolOf(item: WireItem): Pick<ToolCallCell, 'itemType' | 'name' | 'arguments' | 'callId'> {
  const record = item as Record<string, unknown>;
  const action = record['action'];
  const args =
    stringField(record, 'arguments') ??
    stringField(record, 'input') ??
    stringField(record, 'code') ??
    (typeof action === 'object' && action !== null ? JSON.stringify(action) : undefined) ??
    '';
  return {
    itemType: item.type,
    name: stringField(record, 'name') ?? item.type,
    arguments: args,
    callId: stringField(record, 'call_id'),
  };
}
