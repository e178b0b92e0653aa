/**
 * What `trackStreamedKinds` knows about one stream: which kinds of output really streamed, which items the stream
 * delivered whole, and what arrived for the items it did not. Fallback policies read it.
 *
 * @module
 */
import type { NormalizedEvent } from './events';
import { type ItemEntry, type ItemKind, ItemLedger, itemFingerprint } from './items/identity';
import type { WireItem } from './wire/schemas';

/** Which kinds of delta streamed. */
export interface StreamedKinds {
  /** An `output_text.delta` arrived. */
  readonly text: boolean;
  /** A reasoning summary or reasoning content delta arrived. */
  readonly reasoning: boolean;
  /** A function-call arguments or custom-tool input delta arrived. */
  readonly toolInput: boolean;
}

/**
 * An item the stream delivered whole, by `response.output_item.done`: its identity only. The item itself went to the
 * consumer; the tracker does not keep it (a final answer would otherwise be held twice while `completed` is parsed).
 */
export interface DeliveredItem {
  readonly id: string | undefined;
  readonly type: string;
  readonly outputIndex: number | undefined;
}

/** One text part of an item (content part, summary part, or tool input): its text and whether a `*.done` fixed it. */
export interface PartText {
  readonly text: string;
  /** True when a `*.done` event sent the whole text (it then wins over the deltas). */
  readonly final: boolean;
}

/** What kind of item some evidence belongs to. */
export type EvidenceKind = 'message' | 'reasoning' | 'function_call' | 'custom_tool_call' | 'other';

/** Everything that arrived for one item that the stream has not delivered whole. */
export interface ItemEvidence {
  readonly outputIndex: number | undefined;
  readonly itemId: string | undefined;
  /** The item announced by `response.output_item.added`, if any. */
  readonly added: WireItem | undefined;
  readonly kind: EvidenceKind;
  /** Answer text parts by `content_index`. */
  readonly content: ReadonlyMap<number, PartText>;
  /** Reasoning summary parts by `summary_index`. */
  readonly summary: ReadonlyMap<number, PartText>;
  /** Raw reasoning content parts by `content_index`. */
  readonly reasoningContent: ReadonlyMap<number, PartText>;
  /** Tool-call input (function arguments or custom-tool input). */
  readonly toolInput: PartText | undefined;
  /** The call id seen on a tool-input event. */
  readonly callId: string | undefined;
  /** True when any text (a delta or a `*.done`) arrived, not only an announcement. */
  readonly hasText: boolean;
}

/** One item of `completed.output`, paired with what the stream did for it (see {@link StreamState.matchOutput}). */
export interface OutputItemMatch {
  readonly item: WireItem;
  /** Its position in `completed.output`. */
  readonly outputIndex: number;
  /** The stream delivered this item whole (`output_item.done`). */
  readonly delivered: boolean;
  /** An earlier item of the same `completed.output` is this item (a gateway repeated it). */
  readonly repeat: boolean;
  /** What streamed for it, when it streamed in parts but was never delivered whole. */
  readonly evidence: ItemEvidence | undefined;
}

/** `completed.output` matched against the stream, item by item (see {@link StreamState.matchOutput}). */
export interface OutputMatches {
  /** Every item of `completed.output`, in order. */
  readonly output: readonly OutputItemMatch[];
  /** Evidence of the items that streamed in parts, were never delivered whole, and that `completed.output` lacks. */
  readonly missing: readonly ItemEvidence[];
}

/** The read-only view of a stream's tracked state that policies receive. */
export interface StreamState {
  /** The response's id, from the first `created`, `queued`, `inProgress` or `completed` that named one. */
  readonly responseId: string | undefined;
  /** Which kinds of delta streamed. */
  readonly streamed: StreamedKinds;
  /** Items delivered whole by the stream, in arrival order. */
  readonly delivered: readonly DeliveredItem[];
  /** True when a reasoning item arrived by `response.output_item.done`. */
  readonly reasoningDelivered: boolean;
  /** Evidence of the items never delivered whole, in order of first arrival. */
  readonly evidence: readonly ItemEvidence[];
  /**
   * True when `item` (at `outputIndex`) is one the stream already delivered, by the rules of `lib/items/identity`
   * (README, "How items are matched"): the same id, the same `call_id`, the same content whatever the ids, or the
   * same type at the same output index.
   *
   * @param _output no longer read (ids rotated between events are matched by content); kept for compatibility.
   */
  isDelivered(item: WireItem, outputIndex?: number, _output?: readonly WireItem[]): boolean;
  /**
   * True when the stream carried anything of `item` (at `outputIndex`): it was delivered, or some evidence of it
   * arrived (an announcement, a delta, a `*.done` part), matched by the same rules as {@link isDelivered}.
   */
  saw(item: WireItem, outputIndex?: number): boolean;
  /**
   * Pairs each item of `completed.output` with what the stream did for it (delivered whole, streamed in parts, or
   * nothing), and lists what streamed but `completed.output` lacks. One pairing per call; an open item pairs with at
   * most one output item.
   */
  matchOutput(output: readonly WireItem[]): OutputMatches;
}

interface MutablePart {
  text: string;
  final: boolean;
}

class Evidence implements ItemEvidence {
  added: WireItem | undefined;
  kind: EvidenceKind = 'other';
  readonly content = new Map<number, MutablePart>();
  readonly summary = new Map<number, MutablePart>();
  readonly reasoningContent = new Map<number, MutablePart>();
  toolInput: MutablePart | undefined;
  callId: string | undefined;

  constructor(private readonly entry: ItemEntry<Evidence>) {}

  get outputIndex(): number | undefined {
    return this.entry.outputIndex;
  }

  get itemId(): string | undefined {
    return this.entry.id;
  }

  get hasText(): boolean {
    return (
      this.content.size > 0 || this.summary.size > 0 || this.reasoningContent.size > 0 || this.toolInput !== undefined
    );
  }

  /** The content fingerprint of the item this evidence would rebuild, for matching by content (per item). */
  fingerprint(): string | undefined {
    const type = this.added?.type ?? (this.kind === 'other' ? typeOfKind(this.entry.kind) : this.kind);
    if (type === undefined) return undefined;
    const item: Record<string, unknown> = { ...this.added, type };
    if (this.content.size > 0) item['content'] = texts(this.content).map((text) => ({ type: 'output_text', text }));
    if (this.summary.size > 0) item['summary'] = texts(this.summary).map((text) => ({ type: 'summary_text', text }));
    if (this.reasoningContent.size > 0 && this.summary.size === 0) {
      item['content'] = texts(this.reasoningContent).map((text) => ({ type: 'reasoning_text', text }));
    }
    if (this.toolInput !== undefined) item[type === 'custom_tool_call' ? 'input' : 'arguments'] = this.toolInput.text;
    return itemFingerprint(item as WireItem);
  }
}

function texts(parts: ReadonlyMap<number, PartText>): string[] {
  return [...parts.entries()].sort(([a], [b]) => a - b).map(([, part]) => part.text);
}

function typeOfKind(kind: ItemKind): string | undefined {
  return kind === 'message' || kind === 'reasoning' ? kind : kind === 'tool' ? 'function_call' : undefined;
}

/**
 * The mutable tracker behind {@link StreamState}: one per subscription of `trackStreamedKinds`, updated in place as
 * events pass (so tracking costs O(1) per event). Which item an event belongs to is decided by an
 * {@link ItemLedger}, the one matching rule. Read it synchronously; copy what you need to keep. Internal: users
 * see it as the read-only {@link StreamState}, and only {@link StreamTracker.observe} changes it.
 *
 * @internal
 */
export class StreamTracker implements StreamState {
  private readonly kinds = { text: false, reasoning: false, toolInput: false };
  private readonly ledger = new ItemLedger<Evidence>((entry) => entry.value?.fingerprint());
  private readonly deliveredItems: DeliveredItem[] = [];
  private reasoningDone = false;
  private firstResponseId: string | undefined;

  get reasoningDelivered(): boolean {
    return this.reasoningDone;
  }

  get responseId(): string | undefined {
    return this.firstResponseId;
  }

  get streamed(): StreamedKinds {
    return this.kinds;
  }

  get delivered(): readonly DeliveredItem[] {
    return this.deliveredItems;
  }

  get evidence(): readonly ItemEvidence[] {
    const open: ItemEvidence[] = [];
    for (const entry of this.ledger.entries) if (!entry.done && entry.value !== undefined) open.push(entry.value);
    return open;
  }

  /**
   * Records one event.
   *
   * @returns false when the event is an `outputItemDone` for an item already delivered (a re-sent item), else true.
   */
  observe(event: NormalizedEvent): boolean {
    switch (event.type) {
      case 'outputTextDelta': {
        this.kinds.text = true;
        const entry = this.ledger.part('message', event.itemId, event.outputIndex);
        if (!entry.done)
          appendDelta(part(this.evidenceOf(entry, 'message').content, event.contentIndex ?? 0), event.delta);
        return true;
      }
      case 'reasoningSummaryDelta': {
        this.kinds.reasoning = true;
        const entry = this.ledger.part('reasoning', event.itemId, event.outputIndex);
        if (!entry.done)
          appendDelta(part(this.evidenceOf(entry, 'reasoning').summary, event.summaryIndex), event.delta);
        return true;
      }
      case 'reasoningContentDelta': {
        this.kinds.reasoning = true;
        const entry = this.ledger.part('reasoning', event.itemId, event.outputIndex);
        if (!entry.done) {
          appendDelta(part(this.evidenceOf(entry, 'reasoning').reasoningContent, event.contentIndex), event.delta);
        }
        return true;
      }
      case 'toolCallInputDelta': {
        this.kinds.toolInput = true;
        const entry = this.ledger.part('tool', event.itemId, event.outputIndex, event.callId);
        if (entry.done) return true;
        const evidence = this.evidenceOf(entry, 'other');
        evidence.callId ??= event.callId;
        evidence.toolInput ??= { text: '', final: false };
        appendDelta(evidence.toolInput, event.delta);
        return true;
      }
      case 'partDone':
        this.observePartDone(event);
        return true;
      case 'outputItemAdded': {
        const entry = this.ledger.added(event.item, event.outputIndex);
        if (entry.done) return true;
        const evidence = this.evidenceOf(entry, kindOf(event.item.type));
        evidence.added = event.item;
        return true;
      }
      case 'outputItemDone':
        return this.markDelivered(event.item, event.outputIndex);
      case 'created':
      case 'queued':
      case 'inProgress':
      case 'completed':
        this.firstResponseId ??= event.responseId;
        return true;
      default:
        return true;
    }
  }

  /**
   * Records that `item` was delivered (by the stream, or by a fallback).
   *
   * @returns false when it had been delivered already.
   */
  markDelivered(item: WireItem, outputIndex: number | undefined): boolean {
    const { entry, first } = this.ledger.done(item, outputIndex);
    if (!first) return false;
    this.deliveredItems.push({ id: entry.id, type: item.type, outputIndex });
    if (item.type === 'reasoning') this.reasoningDone = true;
    // The item is whole now: its evidence is no longer needed.
    entry.value = undefined;
    return true;
  }

  isDelivered(item: WireItem, outputIndex?: number): boolean {
    return this.ledger.find(item, outputIndex, { recovered: true })?.done === true;
  }

  matchOutput(output: readonly WireItem[]): OutputMatches {
    const claimed = new Set<ItemEntry<Evidence>>();
    const seen = new ItemLedger();
    const matches = output.map((item, outputIndex): OutputItemMatch => {
      if (!seen.done(item, outputIndex, { recovered: true }).first) {
        return { item, outputIndex, delivered: false, repeat: true, evidence: undefined };
      }
      const entry = this.ledger.find(item, outputIndex, { recovered: true, claimed });
      if (entry !== undefined && !entry.done) claimed.add(entry);
      return {
        item,
        outputIndex,
        delivered: entry?.done === true,
        repeat: false,
        evidence: entry === undefined || entry.done ? undefined : entry.value,
      };
    });
    const missing: ItemEvidence[] = [];
    for (const entry of this.ledger.entries) {
      if (!entry.done && entry.value !== undefined && !claimed.has(entry)) missing.push(entry.value);
    }
    return { output: matches, missing };
  }

  saw(item: WireItem, outputIndex?: number): boolean {
    return this.ledger.find(item, outputIndex, { recovered: true }) !== undefined;
  }

  private observePartDone(event: Extract<NormalizedEvent, { type: 'partDone' }>): void {
    switch (event.part) {
      case 'outputText':
        this.finalizePart('message', event, (evidence) => evidence.content);
        break;
      case 'contentPart':
        if (event.partType === 'reasoning_text') {
          this.finalizePart('reasoning', event, (evidence) => evidence.reasoningContent, true);
        } else {
          // content_part.done repeats output_text.done; it only fills a part output_text.done did not.
          this.finalizePart('message', event, (evidence) => evidence.content, true);
        }
        break;
      case 'reasoningSummary':
        this.finalizePart('reasoning', event, (evidence) => evidence.summary);
        break;
      case 'reasoningContent':
        this.finalizePart('reasoning', event, (evidence) => evidence.reasoningContent);
        break;
      case 'toolCallInput': {
        const entry = this.ledger.part('tool', event.itemId, event.outputIndex);
        if (entry.done) break;
        const evidence = this.evidenceOf(
          entry,
          event.partType === 'custom_tool_call' ? 'custom_tool_call' : 'function_call',
        );
        evidence.toolInput ??= { text: '', final: false };
        finalize(evidence.toolInput, event.text);
        break;
      }
    }
  }

  private finalizePart(
    kind: 'message' | 'reasoning',
    event: Extract<NormalizedEvent, { type: 'partDone' }>,
    parts: (evidence: Evidence) => Map<number, MutablePart>,
    onlyIfOpen = false,
  ): void {
    const entry = this.ledger.part(kind, event.itemId, event.outputIndex);
    if (entry.done) return;
    finalize(part(parts(this.evidenceOf(entry, kind)), event.index), event.text, onlyIfOpen);
  }

  /** The evidence of an item, created on first sight; its kind fills in once known. */
  private evidenceOf(entry: ItemEntry<Evidence>, kind: EvidenceKind): Evidence {
    let evidence = entry.value;
    if (evidence === undefined) {
      evidence = new Evidence(entry);
      entry.value = evidence;
    }
    if (evidence.kind === 'other' && kind !== 'other') evidence.kind = kind;
    return evidence;
  }
}

function part(parts: Map<number, MutablePart>, index: number): MutablePart {
  let found = parts.get(index);
  if (found === undefined) {
    found = { text: '', final: false };
    parts.set(index, found);
  }
  return found;
}

function appendDelta(part: MutablePart, delta: string): void {
  if (!part.final) part.text += delta;
}

function finalize(part: MutablePart, text: string, onlyIfOpen = false): void {
  if (onlyIfOpen && part.final) return;
  part.text = text;
  part.final = true;
}

function kindOf(type: string): EvidenceKind {
  return type === 'message' || type === 'reasoning' || type === 'function_call' || type === 'custom_tool_call'
    ? type
    : 'other';
}
