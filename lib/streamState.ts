/**
 * What `trackStreamedKinds` knows about one stream: which kinds of output really streamed, which items the stream
 * delivered whole, and what arrived for the items it did not. Fallback policies read it.
 *
 * @module
 */
import type { NormalizedEvent } from './events';
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

/** The read-only view of a stream's tracked state that policies receive. */
export interface StreamState {
  /** The response's id, from the first `created`, `queued` or `completed` that named one. */
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
   * True when `item` (at `outputIndex`) is one the stream already delivered: matched by id when both sides have
   * one, else by output index. When `output` (the completed response's items) is given, an item whose id differs
   * from the delivered one at the same index, with the same type, counts as delivered if the delivered id appears
   * nowhere in `output` (providers that rotate ids between events).
   */
  isDelivered(item: WireItem, outputIndex?: number, output?: readonly WireItem[]): boolean;
  /**
   * True when the stream carried anything of `item` (at `outputIndex`): it was delivered, or some evidence of it
   * arrived (an announcement, a delta, a `*.done` part), found by the same id and output index the tracker files
   * evidence under.
   */
  saw(item: WireItem, outputIndex?: number): boolean;
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

  get hasText(): boolean {
    return (
      this.content.size > 0 || this.summary.size > 0 || this.reasoningContent.size > 0 || this.toolInput !== undefined
    );
  }

  constructor(
    public outputIndex: number | undefined,
    public itemId: string | undefined,
  ) {}
}

/**
 * The identities of delivered items, by id and by output index: the one matching rule of the stream tracker and of
 * the fallback's own once-only guard.
 */
export class Deliveries {
  private readonly list: DeliveredItem[] = [];
  private readonly ids = new Set<string>();
  /** The first item delivered at each output index. */
  private readonly at = new Map<number, DeliveredItem>();

  /** Every delivered item, in order. */
  get all(): readonly DeliveredItem[] {
    return this.list;
  }

  /**
   * Records a delivery.
   *
   * @returns false when the same item (same id; without an id, the same output index) was delivered already.
   */
  add(item: WireItem, outputIndex: number | undefined): boolean {
    const id = item.id ?? undefined;
    if (id !== undefined ? this.ids.has(id) : outputIndex !== undefined && this.at.has(outputIndex)) return false;
    const entry: DeliveredItem = { id, type: item.type, outputIndex };
    if (id !== undefined) this.ids.add(id);
    if (outputIndex !== undefined && !this.at.has(outputIndex)) this.at.set(outputIndex, entry);
    this.list.push(entry);
    return true;
  }

  /** See {@link StreamState.isDelivered}. */
  has(item: WireItem, outputIndex?: number, output?: readonly WireItem[]): boolean {
    const id = item.id ?? undefined;
    if (id !== undefined && this.ids.has(id)) return true;
    const delivered = outputIndex === undefined ? undefined : this.at.get(outputIndex);
    if (delivered === undefined) return false;
    if (id === undefined || delivered.id === undefined) return true;
    // Both have ids and they differ: the same item only if the provider rotated ids (the delivered id is unknown
    // to the final output) and the types agree.
    if (output === undefined || output.some((other) => other.id === delivered.id)) return false;
    return delivered.type === item.type;
  }
}

/**
 * The mutable tracker behind {@link StreamState}: one per subscription of `trackStreamedKinds`, updated in place as
 * events pass (so tracking costs O(1) per event). Read it synchronously; copy what you need to keep. Internal: users
 * see it as the read-only {@link StreamState}, and only {@link StreamTracker.observe} changes it.
 *
 * @internal
 */
export class StreamTracker implements StreamState {
  private readonly kinds = { text: false, reasoning: false, toolInput: false };
  private readonly deliveries = new Deliveries();
  private readonly byIndex = new Map<number, Evidence>();
  private readonly byId = new Map<string, Evidence>();
  private readonly order: Evidence[] = [];
  private anonymous: Evidence | undefined;
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
    return this.deliveries.all;
  }

  get evidence(): readonly ItemEvidence[] {
    return this.order.filter((entry) => !this.isSettled(entry));
  }

  /**
   * Records one event.
   *
   * @returns false when the event is an `outputItemDone` for an item already delivered (a re-sent item), else true.
   */
  observe(event: NormalizedEvent): boolean {
    switch (event.type) {
      case 'outputTextDelta':
        this.kinds.text = true;
        appendDelta(
          this.part(this.find(event.outputIndex, event.itemId, 'message').content, event.contentIndex ?? 0),
          event.delta,
        );
        return true;
      case 'reasoningSummaryDelta':
        this.kinds.reasoning = true;
        appendDelta(
          this.part(this.find(event.outputIndex, event.itemId, 'reasoning').summary, event.summaryIndex),
          event.delta,
        );
        return true;
      case 'reasoningContentDelta':
        this.kinds.reasoning = true;
        appendDelta(
          this.part(this.find(event.outputIndex, event.itemId, 'reasoning').reasoningContent, event.contentIndex),
          event.delta,
        );
        return true;
      case 'toolCallInputDelta': {
        this.kinds.toolInput = true;
        const entry = this.find(event.outputIndex, event.itemId, 'other');
        entry.callId ??= event.callId;
        entry.toolInput ??= { text: '', final: false };
        appendDelta(entry.toolInput, event.delta);
        return true;
      }
      case 'partDone':
        this.observePartDone(event);
        return true;
      case 'outputItemAdded': {
        const entry = this.find(event.outputIndex, event.item.id ?? undefined, kindOf(event.item.type));
        entry.added = event.item;
        return true;
      }
      case 'outputItemDone':
        return this.markDelivered(event.item, event.outputIndex);
      case 'created':
      case 'queued':
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
    if (!this.deliveries.add(item, outputIndex)) return false;
    const id = item.id ?? undefined;
    if (item.type === 'reasoning') this.reasoningDone = true;
    // The item is whole now: its evidence is no longer needed.
    const entry =
      (outputIndex !== undefined ? this.byIndex.get(outputIndex) : undefined) ??
      (id !== undefined ? this.byId.get(id) : undefined);
    if (entry) this.settle(entry);
    return true;
  }

  isDelivered(item: WireItem, outputIndex?: number, output?: readonly WireItem[]): boolean {
    return this.deliveries.has(item, outputIndex, output);
  }

  saw(item: WireItem, outputIndex?: number): boolean {
    if (this.deliveries.has(item, outputIndex)) return true;
    if (outputIndex !== undefined && this.byIndex.has(outputIndex)) return true;
    const id = item.id ?? undefined;
    return id !== undefined && this.byId.has(id);
  }

  private observePartDone(event: Extract<NormalizedEvent, { type: 'partDone' }>): void {
    switch (event.part) {
      case 'outputText':
        finalize(this.part(this.find(event.outputIndex, event.itemId, 'message').content, event.index), event.text);
        break;
      case 'contentPart':
        if (event.partType === 'reasoning_text') {
          finalize(
            this.part(this.find(event.outputIndex, event.itemId, 'reasoning').reasoningContent, event.index),
            event.text,
            true,
          );
        } else {
          // content_part.done repeats output_text.done; it only fills a part output_text.done did not.
          finalize(
            this.part(this.find(event.outputIndex, event.itemId, 'message').content, event.index),
            event.text,
            true,
          );
        }
        break;
      case 'reasoningSummary':
        finalize(this.part(this.find(event.outputIndex, event.itemId, 'reasoning').summary, event.index), event.text);
        break;
      case 'reasoningContent':
        finalize(
          this.part(this.find(event.outputIndex, event.itemId, 'reasoning').reasoningContent, event.index),
          event.text,
        );
        break;
      case 'toolCallInput': {
        const kind = event.partType === 'custom_tool_call' ? 'custom_tool_call' : 'function_call';
        const entry = this.find(event.outputIndex, event.itemId, kind);
        entry.toolInput ??= { text: '', final: false };
        finalize(entry.toolInput, event.text);
        break;
      }
    }
  }

  /** The evidence entry of the item at `outputIndex` / `itemId`, created on first sight. */
  private find(outputIndex: number | undefined, itemId: string | undefined, kind: EvidenceKind): Evidence {
    let entry = outputIndex !== undefined ? this.byIndex.get(outputIndex) : undefined;
    // The hot path (every delta of a known item): found by index, and the id, if any, is the one already recorded.
    if (entry !== undefined && (itemId === undefined || entry.itemId === itemId)) {
      if (entry.kind === 'other' && kind !== 'other') entry.kind = kind;
      return entry;
    }
    if (entry === undefined && itemId !== undefined) entry = this.byId.get(itemId);
    if (entry === undefined && outputIndex === undefined && itemId === undefined) entry = this.anonymous;
    if (entry === undefined) {
      entry = new Evidence(outputIndex, itemId);
      this.order.push(entry);
      if (outputIndex === undefined && itemId === undefined) this.anonymous = entry;
    }
    if (outputIndex !== undefined && entry.outputIndex === undefined) entry.outputIndex = outputIndex;
    if (itemId !== undefined && entry.itemId === undefined) entry.itemId = itemId;
    if (outputIndex !== undefined && !this.byIndex.has(outputIndex)) this.byIndex.set(outputIndex, entry);
    if (itemId !== undefined && !this.byId.has(itemId)) this.byId.set(itemId, entry);
    if (entry.kind === 'other' && kind !== 'other') entry.kind = kind;
    return entry;
  }

  private part(parts: Map<number, MutablePart>, index: number): MutablePart {
    let part = parts.get(index);
    if (part === undefined) {
      part = { text: '', final: false };
      parts.set(index, part);
    }
    return part;
  }

  private readonly settled = new Set<Evidence>();

  private settle(entry: Evidence): void {
    this.settled.add(entry);
    // Free the buffered text; later events for this item find the settled entry and are dropped with it.
    entry.content.clear();
    entry.summary.clear();
    entry.reasoningContent.clear();
    entry.toolInput = undefined;
  }

  private isSettled(entry: Evidence): boolean {
    return this.settled.has(entry);
  }
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
