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
  reasoningText,
  toolCallOf,
} from '../items/identity';
import type { WireItem } from '../wire/schemas';
import type {
  AnswerCell,
  CellKind,
  Citation,
  ToolCallCell,
  ToolSource,
  Transcript,
  TranscriptCell,
  TranscriptUpdate,
} from './transcript';

/** What the builder remembers about one cell of the current turn (mutable; the cell itself is not). */
interface Slot {
  readonly index: number;
  readonly kind: CellKind;
  /** The part (`s0`, `r1`, …) the last reasoning delta belonged to: a new part starts after a blank line. */
  lastPart: string | undefined;
  /**
   * The content fingerprint of the tool item the cell was shown from, when it was: a tool cell shows its input as a
   * reader reads it (a query, commands), which is not the item's own content.
   */
  content?: string | undefined;
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
        const part = event.commandIndex === undefined ? 't' : `k${event.commandIndex}`;
        this.delta('toolCall', entry, part, event.delta, event.callId, event.itemType);
        break;
      }
      case 'refusalDelta': {
        const entry = this.items.part('message', event.itemId, event.outputIndex);
        const shown = entry.value === undefined ? undefined : this.cellAt(entry.value.index);
        // A message that answers and also refuses keeps one cell: the answer, marked.
        if (shown?.kind === 'answer') this.change(entry.value as Slot, { ...shown, refusal: true });
        else this.delta('refusal', entry, 'f', event.delta);
        break;
      }
      case 'outputTextAnnotationAdded': {
        const entry = this.items.part('message', event.itemId, event.outputIndex);
        if (entry.done) break;
        const slot = entry.value ?? this.add(this.newAnswer(entry, 'streaming', '', false), entry);
        const cell = this.cellAt(slot.index);
        if (cell.kind === 'answer' && cell.status === 'streaming') {
          this.change(slot, { ...cell, citations: [...cell.citations, event.annotation as Citation] });
        }
        break;
      }
      case 'toolCallProgress': {
        const entry = this.items.part(kindOfType(event.itemType), event.itemId, event.outputIndex);
        this.patchTool(entry, event.itemType, { toolStatus: event.status });
        break;
      }
      case 'partialImage': {
        const entry = this.items.part('tool', event.itemId, event.outputIndex);
        const image = { b64: event.partialImageB64, partial: true, size: event.size, outputFormat: event.outputFormat };
        this.patchTool(entry, 'image_generation_call', { image });
        break;
      }
      case 'toolCallOutputDelta': {
        // Live output of a hosted shell command: the shell_call_output item names its call only when it is done, so
        // the output goes to the latest shell call of the turn (the one that runs), else to a cell of its own.
        const entry = this.items.part('other', event.itemId, event.outputIndex);
        if (entry.done) break;
        let slot = entry.value ?? this.latestToolSlot('shell_call');
        if (slot === undefined) {
          slot = this.add(
            {
              ...this.newTool(entry.id, entry.outputIndex, 'streaming', false),
              itemType: event.itemType,
              name: event.itemType,
            },
            entry,
          );
        }
        entry.value = slot;
        const cell = this.cellAt(slot.index);
        if (cell.kind === 'toolCall') {
          const error = event.stderr === '' ? cell.error : (cell.error ?? '') + event.stderr;
          this.change(slot, { ...cell, output: (cell.output ?? '') + event.stdout, error });
        }
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
      const kind =
        cell.kind === 'answer' || cell.kind === 'refusal'
          ? 'message'
          : cell.kind === 'reasoning'
            ? 'reasoning'
            : cell.kind === 'toolCall'
              ? kindOfType(cell.itemType)
              : 'other';
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

  private delta(
    kind: 'answer' | 'refusal' | 'reasoning' | 'toolCall',
    entry: ItemEntry<Slot>,
    part: string,
    delta: string,
    callId?: string,
    itemType = 'function_call',
  ): void {
    if (delta === '') return;
    const slot = entry.value;
    if (slot !== undefined) this.reopen(slot);
    if (slot === undefined) {
      // A late delta of an item shown (or deliberately not shown) whole already adds nothing.
      if (entry.done) return;
      const base = this.newBase(entry.id, entry.outputIndex, 'streaming', false);
      const cell: TranscriptCell =
        kind === 'answer'
          ? this.newAnswer(entry, 'streaming', delta, false)
          : kind === 'refusal' || kind === 'reasoning'
            ? { ...base, kind, text: delta }
            : {
                ...this.newTool(entry.id, entry.outputIndex, 'streaming', false),
                itemType,
                name: itemType,
                arguments: delta,
                callId,
              };
      this.add(cell, entry).lastPart = part;
      return;
    }
    const cell = this.cellAt(slot.index);
    if (cell.status === 'final') return;
    let piece = delta;
    if (cell.kind === 'toolCall') {
      // A shell call's next command goes on its own line.
      if (slot.lastPart !== undefined && slot.lastPart !== part && cell.arguments !== '') piece = '\n' + delta;
      this.replace(slot.index, { ...cell, arguments: cell.arguments + piece, callId: cell.callId ?? callId });
    } else if (cell.kind === 'approvalRequest') {
      return;
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
    const tool = toolOf(item);
    // An announced call's status is `in_progress` and its input empty: what matters streams next.
    const slot = this.add(
      { ...this.newTool(entry.id ?? item.id ?? undefined, outputIndex, 'streaming', false), ...tool },
      entry,
    );
    slot.content = itemFingerprint(item);
  }

  /**
   * Applies `patch` to the tool cell of an entry (reported as `cellChanged` when something changed), or shows a new
   * streaming tool cell with it when progress comes before anything else of the call.
   */
  private patchTool(entry: ItemEntry<Slot>, itemType: string, patch: Partial<ToolCallCell>): void {
    if (entry.value === undefined) {
      if (entry.done) return;
      this.add(
        { ...this.newTool(entry.id, entry.outputIndex, 'streaming', false), itemType, name: itemType, ...patch },
        entry,
      );
      return;
    }
    const cell = this.cellAt(entry.value.index);
    if (cell.kind !== 'toolCall' || cell.status === 'final') return;
    const changed: ToolCallCell = { ...cell, ...patch };
    if ((Object.keys(patch) as (keyof ToolCallCell)[]).some((key) => changed[key] !== cell[key])) {
      this.change(entry.value, changed);
    }
  }

  /** The latest tool cell of the turn for `itemType`. */
  private latestToolSlot(itemType: string): Slot | undefined {
    for (let i = this.slots.length - 1; i >= 0; i--) {
      const slot = this.slots[i] as Slot;
      const cell = this.cellAt(slot.index);
      if (cell.kind === 'toolCall' && cell.itemType === itemType) return slot;
    }
    return undefined;
  }

  /** The tool cell of the turn whose call this `*_output` item answers (same `call_id`). */
  private callSlot(callId: string | undefined): Slot | undefined {
    if (callId === undefined) return undefined;
    return this.slots.find((slot) => {
      const cell = this.cellAt(slot.index);
      return cell.kind === 'toolCall' && cell.callId === callId && !cell.itemType.endsWith('_output');
    });
  }

  private itemDone(item: WireItem, outputIndex: number | undefined, recovered: boolean): void {
    const { entry, first } = this.items.done(item, outputIndex, { recovered });
    if (isToolOutput(item.type)) {
      this.toolOutputDone(entry, item, outputIndex, recovered, first);
      return;
    }
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
      const slot = this.add(
        { ...this.newTool(item.id ?? undefined, outputIndex, 'final', recovered), ...toolOf(item) },
        entry,
      );
      slot.content = itemFingerprint(item);
      return;
    }
    if (kind === 'approvalRequest') {
      this.add({ ...base, kind, ...approvalOf(item) }, entry);
      return;
    }
    if (kind === 'answer') {
      const text = answerText(item);
      const refusal = refusalText(item);
      if (text.trim() === '' && refusal.trim() !== '') {
        this.add({ ...base, kind: 'refusal', text: refusal }, entry);
        return;
      }
      // Whitespace is text: a whitespace-only answer is shown as sent, the same as when it streams.
      if (text === '') return;
      this.add(
        { ...base, kind, text, refusal: refusal !== '', citations: citationsOf(item), phase: phaseOf(item) },
        entry,
      );
      return;
    }
    const text = reasoningText(item);
    // An empty final item never adds an empty cell (nor wipes one: matched cells keep their streamed text);
    // whitespace is text, shown as sent, the same as when it streams.
    if (text === '') return;
    this.add({ ...base, kind, text }, entry);
  }

  /**
   * A `*_output` item: its result goes to the cell of its call (same `call_id`, even once final: the call is shown
   * with what it returned); an output whose call this turn does not show is a cell of its own.
   */
  private toolOutputDone(
    entry: ItemEntry<Slot>,
    item: WireItem,
    outputIndex: number | undefined,
    recovered: boolean,
    first: boolean,
  ): void {
    const result = outputOf(item);
    const slot = entry.value ?? this.callSlot(stringOf(item['call_id']));
    if (slot === undefined) {
      if (!first) return;
      this.add(
        { ...this.newTool(item.id ?? undefined, outputIndex, 'final', recovered), ...toolOf(item), ...result },
        entry,
      );
      return;
    }
    entry.value = slot;
    const cell = this.cellAt(slot.index);
    if (cell.kind !== 'toolCall') return;
    const changed: ToolCallCell = {
      ...cell,
      output: result.output ?? cell.output,
      error: result.error ?? cell.error,
      toolStatus: result.toolStatus === 'failed' ? 'failed' : cell.toolStatus,
    };
    if (changed.output !== cell.output || changed.error !== cell.error || changed.toolStatus !== cell.toolStatus) {
      this.change(slot, changed);
    }
  }

  /** Makes a streaming cell final with what its final item adds (never its text again). A final cell stays as is. */
  private close(slot: Slot, item: WireItem | undefined): void {
    let cell = this.cellAt(slot.index);
    if (cell.status === 'final') return;
    if (item !== undefined && (cell.kind === 'answer' || cell.kind === 'refusal' || cell.kind === 'reasoning')) {
      // The stream stopped short of the final text (a lost delta): show only the rest, never the text again.
      const text =
        cell.kind === 'answer' ? answerText(item) : cell.kind === 'refusal' ? refusalText(item) : reasoningText(item);
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
              toolStatus: tool.toolStatus ?? cell.toolStatus,
              output: tool.output ?? cell.output,
              error: tool.error ?? cell.error,
              sources: tool.sources.length > 0 ? tool.sources : cell.sources,
              image: tool.image ?? cell.image,
              serverLabel: tool.serverLabel ?? cell.serverLabel,
            }),
      };
    } else if (cell.kind === 'answer') {
      const citations = item === undefined ? [] : citationsOf(item);
      closed = {
        ...cell,
        status: 'final',
        refusal: cell.refusal || (item !== undefined && refusalText(item) !== ''),
        citations: citations.length > cell.citations.length ? citations : cell.citations,
        phase: cell.phase ?? (item === undefined ? undefined : phaseOf(item)),
      };
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

  /** Replaces a cell with one whose non-text fields changed, and reports it. */
  private change(slot: Slot, cell: TranscriptCell): void {
    this.replace(slot.index, cell);
    this.out.push({ type: 'cellChanged', cell, index: slot.index, transcript: this.state });
  }

  private newAnswer(
    entry: ItemEntry<Slot>,
    status: 'streaming' | 'final',
    text: string,
    recovered: boolean,
  ): AnswerCell {
    const base = this.newBase(entry.id, entry.outputIndex, status, recovered);
    return { ...base, kind: 'answer', text, refusal: false, citations: [], phase: undefined };
  }

  private newTool(
    itemId: string | undefined,
    outputIndex: number | undefined,
    status: 'streaming' | 'final',
    recovered: boolean,
  ): Omit<ToolCallCell, 'itemType' | 'name'> {
    return {
      ...this.newBase(itemId, outputIndex, status, recovered),
      kind: 'toolCall',
      arguments: '',
      callId: undefined,
      toolStatus: undefined,
      output: undefined,
      error: undefined,
      sources: [],
      image: undefined,
      serverLabel: undefined,
    };
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
    if (entry.value?.content !== undefined) return entry.value.content;
    if (cell.kind === 'toolCall')
      return itemFingerprint({ type: cell.itemType, name: cell.name, arguments: cell.arguments });
    if (cell.kind === 'approvalRequest')
      return itemFingerprint({ type: 'mcp_approval_request', name: cell.name, arguments: cell.arguments });
    if (cell.kind === 'answer')
      return itemFingerprint({ type: 'message', content: [{ type: 'output_text', text: cell.text }] });
    if (cell.kind === 'refusal')
      return itemFingerprint({ type: 'message', content: [{ type: 'refusal', refusal: cell.text }] });
    return itemFingerprint({ type: 'reasoning', summary: [{ type: 'summary_text', text: cell.text }] });
  };
}

/** Items shown as a tool cell although their type does not end in `_call`. */
const TOOL_LIKE = new Set(['mcp_list_tools', 'program']);

function kindOf(item: WireItem): CellKind | undefined {
  if (item.type === 'mcp_approval_request') return 'approvalRequest';
  if (TOOL_LIKE.has(item.type)) return 'toolCall';
  const kind = kindOfType(item.type);
  // compaction, additional_tools, mcp_approval_response and unknown items have nothing to show.
  return kind === 'message' ? 'answer' : kind === 'reasoning' ? 'reasoning' : kind === 'tool' ? 'toolCall' : undefined;
}

/** A tool's result item, shown on its call's cell: `function_call_output`, `shell_call_output`, … */
function isToolOutput(type: string): boolean {
  return type.endsWith('_output') && type !== 'output';
}

type Json = Record<string, unknown>;

function partsOf(item: WireItem, field: string): Json[] {
  const parts = item[field];
  return Array.isArray(parts) ? parts.filter((part): part is Json => typeof part === 'object' && part !== null) : [];
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function objectOf(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

/** A message's answer text: its `output_text` (or any text) parts. */
function answerText(item: WireItem): string {
  return partsOf(item, 'content')
    .map((part) => (part['type'] === 'refusal' ? '' : (stringOf(part['text']) ?? '')))
    .join('');
}

/** A message's refusal text: its `refusal` parts. */
function refusalText(item: WireItem): string {
  return partsOf(item, 'content')
    .map((part) => (part['type'] === 'refusal' ? (stringOf(part['refusal']) ?? '') : ''))
    .join('');
}

function citationsOf(item: WireItem): Citation[] {
  return partsOf(item, 'content').flatMap((part) =>
    Array.isArray(part['annotations'])
      ? (part['annotations'] as unknown[]).filter((a): a is Citation => objectOf(a) !== undefined)
      : [],
  );
}

function phaseOf(item: WireItem): string | undefined {
  return stringOf(item['phase']);
}

function approvalOf(item: WireItem): {
  approvalRequestId: string;
  serverLabel: string;
  name: string;
  arguments: string;
} {
  return {
    approvalRequestId: stringOf(item.id) ?? '',
    serverLabel: stringOf(item['server_label']) ?? '',
    name: stringOf(item['name']) ?? '',
    arguments: stringOf(item['arguments']) ?? '',
  };
}

function errorText(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return value;
  const message = objectOf(value)?.['message'];
  return typeof message === 'string' ? message : JSON.stringify(value);
}

function textOf(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** What a `*_output` item returned: its output (or stdout), its error (or stderr), failed when it says so. */
function outputOf(item: WireItem): { output?: string; error?: string; toolStatus?: string } {
  const status = stringOf(item['status']);
  if (item.type === 'shell_call_output') {
    const entries = partsOf(item, 'output');
    const stdout = entries.map((entry) => stringOf(entry['stdout']) ?? '').join('');
    const stderr = entries.map((entry) => stringOf(entry['stderr']) ?? '').join('');
    const failed = entries.some((entry) => {
      const outcome = objectOf(entry['outcome']);
      return outcome !== undefined && outcome['type'] === 'exit' && outcome['exit_code'] !== 0;
    });
    return {
      output: stdout,
      ...(stderr === '' ? {} : { error: stderr }),
      ...(failed ? { toolStatus: 'failed' } : {}),
    };
  }
  if (item.type === 'tool_search_output') {
    return {
      output: partsOf(item, 'tools')
        .map((tool) => stringOf(tool['name']) ?? '')
        .join(', '),
    };
  }
  if (item.type === 'computer_call_output') return { output: '(screenshot)' };
  const output = textOf(item['output']) ?? textOf(item['result']);
  return {
    ...(output === undefined ? {} : { output }),
    ...(status === 'failed' || status === 'incomplete' ? { toolStatus: status } : {}),
  };
}

/** What a tool cell shows of a tool item: its input as text, status, result, sources, image. */
function toolOf(
  item: WireItem,
): Pick<
  ToolCallCell,
  'itemType' | 'name' | 'arguments' | 'callId' | 'toolStatus' | 'output' | 'error' | 'sources' | 'image' | 'serverLabel'
> {
  const { name, input } = toolCallOf(item);
  const action = objectOf(item['action']);
  let args = input;
  let output: string | undefined;
  let error: string | undefined;
  let sources: ToolSource[] = [];
  let image: ToolCallCell['image'];
  let status = stringOf(item['status']);
  switch (item.type) {
    case 'shell_call':
      if (Array.isArray(action?.['commands'])) args = (action['commands'] as unknown[]).map(String).join('\n');
      break;
    case 'local_shell_call':
      if (Array.isArray(action?.['command'])) args = (action['command'] as unknown[]).map(String).join(' ');
      break;
    case 'apply_patch_call': {
      const operation = objectOf(item['operation']);
      if (operation !== undefined) {
        const diff = stringOf(operation['diff']);
        args = `${String(operation['type'] ?? '')} ${String(operation['path'] ?? '')}${diff ? `\n${diff}` : ''}`;
      }
      break;
    }
    case 'web_search_call':
      args = stringOf(action?.['query']) ?? stringOf(action?.['url']) ?? stringOf(action?.['pattern']) ?? '';
      sources = (Array.isArray(action?.['sources']) ? (action['sources'] as unknown[]) : [])
        .map(objectOf)
        .filter((source): source is Json => source !== undefined)
        .map((source) => ({
          ...(stringOf(source['url']) === undefined ? {} : { url: stringOf(source['url']) }),
          ...(stringOf(source['title']) === undefined ? {} : { title: stringOf(source['title']) }),
        }));
      break;
    case 'file_search_call':
      args = (Array.isArray(item['queries']) ? (item['queries'] as unknown[]) : []).map(String).join('\n');
      sources = partsOf(item, 'results').map((result) => ({
        ...(stringOf(result['filename']) === undefined ? {} : { filename: stringOf(result['filename']) }),
        ...(stringOf(result['file_id']) === undefined ? {} : { fileId: stringOf(result['file_id']) }),
        ...(typeof result['score'] === 'number' ? { score: result['score'] } : {}),
        ...(stringOf(result['text']) === undefined ? {} : { text: stringOf(result['text']) }),
      }));
      break;
    case 'code_interpreter_call': {
      const logs = partsOf(item, 'outputs')
        .map((out) =>
          out['type'] === 'logs' ? (stringOf(out['logs']) ?? '') : out['type'] === 'image' ? '(image)' : '',
        )
        .filter((text) => text !== '');
      if (logs.length > 0) output = logs.join('\n');
      break;
    }
    case 'image_generation_call': {
      const result = stringOf(item['result']);
      if (result !== undefined && result !== '') {
        image = {
          b64: result,
          partial: false,
          size: stringOf(item['size']),
          outputFormat: stringOf(item['output_format']),
        };
      }
      break;
    }
    case 'mcp_call':
      output = textOf(item['output']);
      error = errorText(item['error']);
      if (error !== undefined) status = 'failed';
      break;
    case 'mcp_list_tools':
      args = '';
      output = partsOf(item, 'tools')
        .map((tool) => stringOf(tool['name']) ?? '')
        .join(', ');
      error = errorText(item['error']);
      if (error !== undefined) status = 'failed';
      break;
    case 'tool_search_call':
      args = textOf(item['arguments']) ?? '';
      break;
    case 'computer_call':
      args = textOf(item['actions'] ?? item['action']) ?? '';
      break;
  }
  const callId = item['call_id'];
  return {
    itemType: item.type,
    name: item.type === 'mcp_list_tools' ? item.type : name,
    arguments: args,
    callId: typeof callId === 'string' ? callId : undefined,
    toolStatus: status,
    output,
    error,
    sources,
    image,
    serverLabel: stringOf(item['server_label']),
  };
}
