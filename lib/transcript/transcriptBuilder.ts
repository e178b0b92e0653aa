/**
 * The state machine behind `toTranscript`: normalized events in, transcript updates out. Internal; use the operator.
 *
 * @module
 */
import type { ResponseEvent } from '../events';
import {
  type ItemEntry,
  ItemLedger,
  REASONING_PART_SEPARATOR,
  itemFingerprint,
  kindOfType,
  messageText,
  reasoningText,
  toolCallOf,
} from '../items/identity';
import type { WireItem } from '../wire/schemas';
import type { CellKind, ToolCallCell, Transcript, TranscriptCell, TranscriptUpdate } from './transcript';

/** What the builder remembers about one cell of the current turn (mutable; the cell itself is not). */
interface Slot {
  readonly index: number;
  readonly kind: CellKind;
  /** The part (`s0`, `r1`, …) the last reasoning delta belonged to: a new part starts after a blank line. */
  lastPart: string | undefined;
  /**
   * A cell of the turn a resumed stream continues: the drop made it final, so a delta or final item that comes after
   * the cursor opens it again.
   */
  resumed?: boolean;
}

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
  /** Which item each event of the current turn belongs to: the one matching rule of `lib/items/identity`. */
  private items = this.newLedger();
  private inTurn = false;
  private out: TranscriptUpdate[] = [];

  /** The initial transcript's turn did not finish: a stream that does not start with `created` continues it. */
  private readonly unfinished: boolean;

  constructor(initial: Transcript) {
    this.state = initial;
    this.unfinished = initial.turn > 0 && (initial.status === 'streaming' || initial.status === 'errored');
    // Cells left streaming by an earlier, cancelled stream are finalized when the next turn starts.
    initial.cells.forEach((cell, index) => {
      if (cell.status === 'streaming') {
        this.slots.push({ index, kind: cell.kind, lastPart: undefined });
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
    if (!this.inTurn) {
      if (this.unfinished) this.continueTurn();
      else this.startTurn(undefined);
    }
    switch (event.type) {
      case 'outputTextDelta':
        this.delta('answer', this.items.part('message', event.itemId, event.outputIndex), 'c', event.delta);
        break;
      case 'reasoningSummaryDelta': {
        const entry = this.items.part('reasoning', event.itemId, event.outputIndex);
        this.delta('reasoning', entry, `s${event.summaryIndex}`, event.delta);
        break;
      }
      case 'reasoningContentDelta': {
        const entry = this.items.part('reasoning', event.itemId, event.outputIndex);
        this.delta('reasoning', entry, `r${event.contentIndex}`, event.delta);
        break;
      }
      case 'toolCallInputDelta': {
        const entry = this.items.part('tool', event.itemId, event.outputIndex, event.callId);
        this.delta('toolCall', entry, 't', event.delta, event.callId);
        break;
      }
      case 'outputItemAdded': {
        const entry = this.items.added(event.item, event.outputIndex);
        if (kindOf(event.item) === 'toolCall') this.toolCallAdded(entry, event.item, event.outputIndex);
        break;
      }
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
    this.items = this.newLedger();
    this.inTurn = true;
    const turn = this.state.turn + 1;
    this.state = { ...this.state, turn, responseId, status: 'streaming', error: undefined, usage: undefined };
    this.out.push({ type: 'turnStarted', turn, responseId, transcript: this.state });
  }

  /**
   * A stream resumed after a drop (it has no `created`) continues the turn the drop ended: no new turn, its cells are
   * found again by item id and output index, and the ones the drop left unfinished open again when more arrives.
   */
  private continueTurn(): void {
    this.inTurn = true;
    this.slots = [];
    this.items = this.newLedger();
    this.state = { ...this.state, status: 'streaming', error: undefined };
    this.state.cells.forEach((cell, index) => {
      if (cell.turn !== this.state.turn) return;
      const slot: Slot = { index, kind: cell.kind, lastPart: undefined, resumed: true };
      this.slots.push(slot);
      const kind = cell.kind === 'answer' ? 'message' : cell.kind === 'reasoning' ? 'reasoning' : 'tool';
      const callId = cell.kind === 'toolCall' ? cell.callId : undefined;
      this.items.part(kind, cell.itemId, cell.outputIndex, callId).value = slot;
    });
  }

  /** Opens again a cell of the continued turn that the drop made final. */
  private reopen(slot: Slot): void {
    if (slot.resumed !== true) return;
    slot.resumed = false;
    const cell = this.cellAt(slot.index);
    if (cell.status === 'final') this.replace(slot.index, { ...cell, status: 'streaming' });
  }

  private delta(kind: CellKind, entry: ItemEntry<Slot>, part: string, delta: string, callId?: string): void {
    if (delta === '') return;
    const slot = entry.value;
    if (slot !== undefined) this.reopen(slot);
    if (slot === undefined) {
      // A late delta of an item shown (or deliberately not shown) whole already adds nothing.
      if (entry.done) return;
      const base = this.newBase(entry.id, entry.outputIndex, 'streaming', false);
      const cell: TranscriptCell =
        kind === 'answer'
          ? { ...base, kind, text: delta, refusal: false }
          : kind === 'reasoning'
            ? { ...base, kind, text: delta }
            : { ...base, kind, itemType: 'function_call', name: 'function_call', arguments: delta, callId };
      this.add(cell, entry).lastPart = part;
      return;
    }
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

  private toolCallAdded(entry: ItemEntry<Slot>, item: WireItem, outputIndex: number | undefined): void {
    if (entry.value !== undefined || entry.done) return;
    this.add(
      {
        ...this.newBase(entry.id ?? item.id ?? undefined, outputIndex, 'streaming', false),
        kind: 'toolCall',
        ...toolOf(item),
      },
      entry,
    );
  }

  private itemDone(item: WireItem, outputIndex: number | undefined, recovered: boolean): void {
    const { entry, first } = this.items.done(item, outputIndex, { recovered });
    const kind = kindOf(item);
    if (kind === undefined) return;
    if (entry.value !== undefined) {
      this.reopen(entry.value);
      this.close(entry.value, item);
      return;
    }
    // A re-sent or recovered copy of an item this turn already has (shown, or empty and not shown) adds nothing.
    if (!first) return;
    // Nothing streamed for this item: show it whole.
    const base = this.newBase(item.id ?? undefined, outputIndex, 'final', recovered);
    if (kind === 'toolCall') {
      this.add({ ...base, kind, ...toolOf(item) }, entry);
      return;
    }
    const text = kind === 'answer' ? messageText(item) : reasoningText(item);
    // An empty final item never adds an empty cell (nor wipes one: matched cells keep their streamed text).
    if (text.trim() === '') return;
    const cell: TranscriptCell =
      kind === 'answer' ? { ...base, kind, text, refusal: hasRefusal(item) } : { ...base, kind, text };
    this.add(cell, entry);
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

  private newLedger(): ItemLedger<Slot> {
    return new ItemLedger<Slot>(contentOfCell(() => this.state.cells));
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

  private add(cell: TranscriptCell, entry: ItemEntry<Slot>): Slot {
    const index = this.state.cells.length;
    const slot: Slot = { index, kind: cell.kind, lastPart: undefined };
    this.slots.push(slot);
    entry.value = slot;
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

/** The ledger of one turn; an open cell's content is its text as shown, for recovered items to find it by content. */
function contentOfCell(cells: () => readonly TranscriptCell[]): (entry: ItemEntry<Slot>) => string | undefined {
  return (entry) => {
    const cell = entry.value === undefined ? undefined : cells()[entry.value.index];
    if (cell === undefined) return undefined;
    if (cell.kind === 'toolCall')
      return itemFingerprint({ type: cell.itemType, name: cell.name, arguments: cell.arguments });
    if (cell.kind === 'answer')
      return itemFingerprint({ type: 'message', content: [{ type: 'output_text', text: cell.text }] });
    return itemFingerprint({ type: 'reasoning', summary: [{ type: 'summary_text', text: cell.text }] });
  };
}

function kindOf(item: WireItem): CellKind | undefined {
  const kind = kindOfType(item.type);
  return kind === 'message' ? 'answer' : kind === 'reasoning' ? 'reasoning' : kind === 'tool' ? 'toolCall' : undefined;
}

function hasRefusal(item: WireItem): boolean {
  const content = item['content'];
  return (
    Array.isArray(content) &&
    content.some((part) => typeof part === 'object' && part !== null && (part as { type?: unknown }).type === 'refusal')
  );
}

function toolOf(item: WireItem): Pick<ToolCallCell, 'itemType' | 'name' | 'arguments' | 'callId'> {
  const { name, input } = toolCallOf(item);
  const callId = item['call_id'];
  return { itemType: item.type, name, arguments: input, callId: typeof callId === 'string' ? callId : undefined };
}
