/**
 * Item identity: the one place that decides whether two things (an event and an item, two events, an item from
 * `response.completed` and one that streamed) are the same output item. The stream tracker, the fallback's once-only
 * guard and `toTranscript` all ask an {@link ItemLedger}; no other module matches items. README: "How items are
 * matched".
 *
 * Precedence, for a whole item (`output_item.done`, an item of `completed.output`, a recovered item):
 *
 * 1. `id`, when both sides have one and it is not contradicted: another type, or (once the known item is done) both
 *    another content and another output index (an id a gateway reuses for every item);
 * 2. `call_id`, for tool calls (what the tool's result refers to);
 * 3. content: a recovered item (or an item of `completed.output`) whose content equals a done item's is that item,
 *    whatever its id, unless both are tool calls with different `call_id`s; a streamed `output_item.done` only when
 *    one side has no id. A recovered item also completes an open item whose streamed text equals its own;
 * 4. type + `output_index`: the latest item at that index; an open one whatever its id (ids rotated between events),
 *    a done one unless its id, content or `call_id` differs (a new item at a reused index);
 * 5. arrival order: the oldest open item of the same kind at no other output index; an item without an id takes an
 *    open item that has one only when their content is the same, and a recovered item never one with another id.
 *
 * Deltas and `*.done` parts go to the item of their `output_index` (the hot path: one map lookup), else of their
 * `item_id` or `call_id`; a part that names neither goes to the latest open item of its kind, and a part whose id or
 * index no item has yet to the latest open item of its kind that named no id and no other index. A part with a new `item_id` at
 * an index whose item is done starts a new item, and so does an `output_item.added` at an index whose item was already
 * announced or is done. The content fingerprint is computed once per whole item, never per delta.
 *
 * The order of a response's final output (the provider's `completed.output`, else `output_index`) is decided here
 * too, by {@link outputOrder}, for the writer of the canonical stream.
 *
 * @module
 */
import type { WireItem } from '../wire/schemas';

/** The kinds of item that streamed parts can belong to; every other item type is `'other'`. */
export type ItemKind = 'message' | 'reasoning' | 'tool' | 'other';

/**
 * The kind of an item type: `message`, `reasoning`, a tool call (`function_call`, `custom_tool_call` and every
 * hosted `*_call`), or `other`.
 */
export function kindOfType(type: string): ItemKind {
  if (type === 'message') return 'message';
  if (type === 'reasoning') return 'reasoning';
  return type.endsWith('_call') ? 'tool' : 'other';
}

/** An id as sent: a missing, `null` or empty id is no id (bridges send `""`). */
function idOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The `call_id` of a tool call, if any. */
export function callIdOf(item: WireItem): string | undefined {
  return idOf(item['call_id']);
}

/** Separates the parts of a reasoning text, as `toTranscript` shows them. */
export const REASONING_PART_SEPARATOR = '\n\n';

/** The parts of an item's `field` (`content`, `summary`): its array, or none. Entries that are no object are skipped. */
function partsOf(item: WireItem, field: string): readonly unknown[] {
  const parts = item[field];
  return Array.isArray(parts) ? parts : NO_PARTS;
}

const NO_PARTS: readonly unknown[] = [];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function stringField(record: Record<string, unknown>, field: string): string | undefined {
  const value = record[field];
  return typeof value === 'string' ? value : undefined;
}

/** The text of a message item: its `output_text` (or any text) parts and `refusal` parts, joined. */
export function messageText(item: WireItem): string {
  const parts = partsOf(item, 'content');
  let text = '';
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (!isRecord(part)) continue;
    text += (part['type'] === 'refusal' ? stringField(part, 'refusal') : stringField(part, 'text')) ?? '';
  }
  return text;
}

/** Joins reasoning part texts as they are shown: non-empty parts, separated by a blank line. */
export function joinReasoningParts(texts: readonly string[]): string {
  return texts.filter((text) => text !== '').join(REASONING_PART_SEPARATOR);
}

/** The text of a reasoning item: its summary parts, or its content parts when the summary is empty. */
export function reasoningText(item: WireItem): string {
  const summary = reasoningParts(item, 'summary');
  return summary !== '' ? summary : reasoningParts(item, 'content');
}

/** {@link joinReasoningParts} of the texts of an item's `field` parts, without arrays in between (per item). */
function reasoningParts(item: WireItem, field: string): string {
  const parts = partsOf(item, field);
  let joined = '';
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const text = isRecord(part) ? (stringField(part, 'text') ?? '') : '';
    if (text !== '') joined = joined === '' ? text : joined + REASONING_PART_SEPARATOR + text;
  }
  return joined;
}

/** The name and input of a tool call: `arguments`, `input`, `code`, or its `action` as JSON. */
export function toolCallOf(item: WireItem): { readonly name: string; readonly input: string } {
  const record = item as Record<string, unknown>;
  const action = record['action'];
  const input =
    stringField(record, 'arguments') ??
    stringField(record, 'input') ??
    stringField(record, 'code') ??
    (typeof action === 'object' && action !== null ? JSON.stringify(action) : undefined) ??
    '';
  return { name: stringField(record, 'name') ?? item.type, input };
}

/** Texts up to this many characters are compared whole; longer ones by length and samples (per item, O(1)). */
const EXACT_TEXT = 4096;
const SAMPLE = 1024;

/**
 * A comparable digest of an item's content: `kind`, and `text` whole when short; when long, its length, its first and
 * last KiB and 64 characters sampled evenly between, so a 20 MB answer costs no more than a short one.
 *
 * @returns `undefined` when there is no content to compare (an empty message, a reasoning item without text, a tool
 *   call without name nor input): such items are matched by id, index and order only.
 */
export function fingerprint(kind: string, text: string): string | undefined {
  if (text === '') return undefined;
  if (text.length <= EXACT_TEXT) return `${kind}\u0000${text}`;
  let middle = '';
  const step = Math.floor((text.length - 2 * SAMPLE) / 65);
  for (let i = 1; i <= 64; i++) middle += text.charAt(SAMPLE + i * step);
  return `${kind}\u0000${text.length}\u0000${text.slice(0, SAMPLE)}\u0000${middle}\u0000${text.slice(-SAMPLE)}`;
}

/**
 * The content fingerprint of a whole item: item type + text for messages and reasoning, type + name + arguments (or
 * input) for tool calls, type + the item's other fields for anything else.
 */
export function itemFingerprint(item: WireItem): string | undefined {
  switch (kindOfType(item.type)) {
    case 'message':
      return fingerprint('message', messageText(item));
    case 'reasoning':
      return fingerprint('reasoning', reasoningText(item));
    case 'tool': {
      const { name, input } = toolCallOf(item);
      return name === item.type && input === '' ? undefined : fingerprint(`${item.type}\u0000${name}`, input);
    }
    default: {
      const { id: _id, status: _status, type, ...rest } = item as Record<string, unknown>;
      return Object.keys(rest).length === 0 ? undefined : fingerprint(String(type), JSON.stringify(rest));
    }
  }
}

/** What the ledger knows about one item. Fields fill in as events arrive; `value` is the asker's own record. */
export class ItemEntry<T> {
  /** The item's `type`, once an announcement or a whole item said it. */
  type: string | undefined;
  id: string | undefined;
  callId: string | undefined;
  outputIndex: number | undefined;
  /** An `output_item.added` announced it. */
  announced = false;
  /** The item arrived whole (`output_item.done`, or a recovered item). */
  done = false;
  /** The content fingerprint of the whole item (set when done). */
  fingerprint: string | undefined;
  /** The asker's record for this item (the tracker's evidence, the transcript's cell). */
  value: T | undefined;

  constructor(
    readonly kind: ItemKind,
    /** Arrival rank: 0 for the first item seen. */
    readonly order: number,
  ) {}
}

/** How a whole item is being matched. */
export interface MatchOptions<T> {
  /**
   * True for a recovered item or an item of `completed.output`: equal content makes it a known item whatever the
   * ids say. False for a streamed `output_item.done`, where two items may share a text if both carry ids.
   * @defaultValue false
   */
  readonly recovered?: boolean;
  /** Open items already paired with another candidate: order and index matching skip them. */
  readonly claimed?: ReadonlySet<ItemEntry<T>>;
  /**
   * The item's {@link itemFingerprint}, when the caller computed it already (one item matched against two ledgers):
   * `null` for an item without content.
   * @defaultValue computed from the item
   */
  readonly content?: string | null;
}

/** The fingerprint the options carry, or the item's own. */
function contentOf<T>(item: WireItem, options: MatchOptions<T>): string | undefined {
  const given = options.content;
  return given === undefined ? itemFingerprint(item) : (given ?? undefined);
}

/**
 * The items of one response as their events arrive, and the one matching rule (see the module comment). Generic in
 * the record each asker keeps per item. Every lookup on the delta path is a map lookup; scans touch only the items
 * still open (usually one or two).
 */
export class ItemLedger<T = undefined> {
  private readonly list: ItemEntry<T>[] = [];
  // Each map is created on its first entry: a stream has up to three ledgers (the tracker's, the pairing of
  // `completed.output`, the fallback's), and most fill two or three of their four maps (call ids only tool calls).
  private byId: Map<string, ItemEntry<T>> | undefined;
  private byCallId: Map<string, ItemEntry<T>> | undefined;
  /** The latest item at each output index. */
  private atIndex: Map<number, ItemEntry<T>> | undefined;
  /**
   * Done items by a short digest of their content fingerprint ({@link contentKey}), the first done item of each
   * fingerprint in arrival order. Keyed by the digest, not the fingerprint itself: a Map hashes its whole key, and a
   * fingerprint holds up to 4 KiB of text (hashing it was the largest fixed cost of a small stream).
   */
  private byContent: Map<string, ItemEntry<T> | ItemEntry<T>[]> | undefined;
  /** Items not done yet, in arrival order. */
  private open: ItemEntry<T>[] = [];

  /**
   * @param contentOfOpen the content fingerprint of an open item as it stands (its streamed text), for recovered
   *   items to find the open item they complete by content. Called per recovered item, never per delta.
   */
  constructor(private readonly contentOfOpen?: (entry: ItemEntry<T>) => string | undefined) {}

  /** Every item, in arrival order. */
  get entries(): readonly ItemEntry<T>[] {
    return this.list;
  }

  /** Items not done yet, in arrival order. */
  get openEntries(): readonly ItemEntry<T>[] {
    return this.open;
  }

  /**
   * True when some output index below `outputIndex` has no item yet: an item the provider placed earlier has not
   * arrived (a final-only provider sends its message whole and the reasoning before it only in `completed.output`).
   */
  missingBefore(outputIndex: number): boolean {
    // More indexes than items: one is missing (and a huge index costs nothing).
    if (outputIndex > this.list.length) return true;
    for (let index = 0; index < outputIndex; index++) if (this.atIndex?.has(index) !== true) return true;
    return false;
  }

  /**
   * The item a delta or `*.done` part belongs to, created on first sight. A part for an item already done is
   * returned with it (late: the asker drops it).
   *
   * @param kind the kind of item the part belongs to.
   */
  part(
    kind: ItemKind,
    itemId: string | undefined,
    outputIndex: number | undefined,
    callId?: string | undefined,
  ): ItemEntry<T> {
    if (outputIndex !== undefined) {
      const entry = this.atIndex?.get(outputIndex);
      // The hot path: every delta of a known item, found by index, its id (if any) the one recorded.
      if (entry !== undefined && entry.kind === kind && (itemId === undefined || entry.id === itemId)) return entry;
    }
    return this.routePart(kind, idOf(itemId), outputIndex, idOf(callId));
  }

  /** The item an `output_item.added` announces: the open item its parts started, or a new one. */
  added(item: WireItem, outputIndex: number | undefined): ItemEntry<T> {
    const id = idOf(item.id);
    const callId = callIdOf(item);
    const kind = kindOfType(item.type);
    let entry: ItemEntry<T> | undefined;
    const known =
      (id !== undefined ? this.byId?.get(id) : undefined) ?? (callId ? this.byCallId?.get(callId) : undefined);
    if (known !== undefined && this.fits(known, item.type, kind)) {
      entry = known; // announced again, or its parts came first under the same id
    } else {
      const candidate = outputIndex === undefined ? undefined : this.atIndex?.get(outputIndex);
      if (candidate !== undefined && !candidate.done && !candidate.announced && this.fits(candidate, item.type, kind)) {
        entry = candidate;
      } else {
        entry = this.latestOpen(kind, outputIndex, (e) => !e.announced && this.fits(e, item.type, kind));
      }
    }
    entry ??= this.create(kind);
    this.attach(entry, item.type, id, outputIndex, callId);
    entry.announced = true;
    return entry;
  }

  /**
   * Records a whole item (`output_item.done`, or a recovered item).
   *
   * @returns the item it is, and `first`: false when that item was already done (a re-sent or recovered copy).
   */
  done(
    item: WireItem,
    outputIndex: number | undefined,
    options: MatchOptions<T> = {},
  ): { readonly entry: ItemEntry<T>; readonly first: boolean } {
    const content = contentOf(item, options);
    const entry = this.match(item, outputIndex, options, content) ?? this.create(kindOfType(item.type));
    if (entry.done) return { entry, first: false };
    const callId = callIdOf(item);
    this.attach(entry, item.type, idOf(item.id), outputIndex, callId);
    // The whole item's call_id is the one its result will name (OpenAI itself sends another one in output_item.added).
    if (callId !== undefined) entry.callId = callId;
    entry.type = item.type;
    entry.done = true;
    entry.fingerprint = content;
    if (content !== undefined && this.doneWithContent(content) === undefined) {
      const key = contentKey(content);
      const known = this.byContent?.get(key);
      (this.byContent ??= new Map()).set(
        key,
        known === undefined ? entry : Array.isArray(known) ? [...known, entry] : [known, entry],
      );
    }
    const at = this.open.indexOf(entry);
    if (at >= 0) this.open.splice(at, 1);
    return { entry, first: true };
  }

  /**
   * The known item a whole item is, by the precedence of the module comment; `undefined` for a new item. Changes
   * nothing.
   */
  find(item: WireItem, outputIndex: number | undefined, options: MatchOptions<T> = {}): ItemEntry<T> | undefined {
    return this.match(item, outputIndex, options, contentOf(item, options));
  }

  private match(
    item: WireItem,
    outputIndex: number | undefined,
    options: MatchOptions<T>,
    content: string | undefined,
  ): ItemEntry<T> | undefined {
    const type = item.type;
    const kind = kindOfType(type);
    const id = idOf(item.id);
    const callId = callIdOf(item);
    const recovered = options.recovered === true;
    const claimed = options.claimed;
    const free = (entry: ItemEntry<T>): boolean => entry.done || claimed === undefined || !claimed.has(entry);
    // 1. id, unless contradicted.
    if (id !== undefined) {
      const entry = this.byId?.get(id);
      if (
        entry !== undefined &&
        free(entry) &&
        this.fits(entry, type, kind) &&
        !(entry.done && conflicts(entry.fingerprint, content) && conflicts(entry.outputIndex, outputIndex))
      ) {
        return entry;
      }
    }
    // 2. call_id.
    if (callId !== undefined) {
      const entry = this.byCallId?.get(callId);
      if (entry !== undefined && free(entry) && this.fits(entry, type, kind)) return entry;
    }
    // 3. content: a done item with the same content; for a recovered item also an open item whose text is the same.
    if (content !== undefined) {
      const entry = this.doneWithContent(content);
      if (
        entry !== undefined &&
        this.fits(entry, type, kind) &&
        !conflicts(entry.callId, callId) &&
        (recovered || entry.id === undefined || id === undefined)
      ) {
        return entry;
      }
      if (recovered && this.contentOfOpen !== undefined) {
        for (const open of this.open) {
          if (free(open) && this.fits(open, type, kind) && this.contentOfOpen(open) === content) {
            return open;
          }
        }
      }
    }
    // 4. type + output_index: a done item there with another id or another content is another item.
    if (outputIndex !== undefined) {
      const entry = this.atIndex?.get(outputIndex);
      if (
        entry !== undefined &&
        free(entry) &&
        this.fits(entry, type, kind) &&
        !(
          entry.done &&
          (conflicts(entry.id, id) || conflicts(entry.fingerprint, content) || conflicts(entry.callId, callId))
        )
      ) {
        return entry;
      }
    }
    // 5. arrival order: the oldest open item of the kind that nothing contradicts. An item without an id takes an open
    // item that has one only when their content is the same (else it came from other, id-less events); a recovered item
    // never takes an open item with another id (recovered items carry the id their events had: not a rotation).
    for (const open of this.open) {
      if (
        free(open) &&
        this.fits(open, type, kind) &&
        !conflicts(open.outputIndex, outputIndex) &&
        !(recovered && conflicts(open.id, id)) &&
        (id !== undefined ||
          open.id === undefined ||
          (content !== undefined && this.contentOfOpen !== undefined && this.contentOfOpen(open) === content))
      ) {
        return open;
      }
    }
    return undefined;
  }

  /** The first done item whose content fingerprint is `content`. */
  private doneWithContent(content: string): ItemEntry<T> | undefined {
    const known = this.byContent?.get(contentKey(content));
    if (known === undefined) return undefined;
    if (!Array.isArray(known)) return known.fingerprint === content ? known : undefined;
    return known.find((entry) => entry.fingerprint === content);
  }

  private routePart(
    kind: ItemKind,
    itemId: string | undefined,
    outputIndex: number | undefined,
    callId: string | undefined,
  ): ItemEntry<T> {
    let entry: ItemEntry<T> | undefined;
    const byId = itemId === undefined ? undefined : this.byId?.get(itemId);
    if (byId !== undefined && byId.kind === kind) {
      entry = byId;
    } else {
      const byCall = callId === undefined ? undefined : this.byCallId?.get(callId);
      if (byCall !== undefined && byCall.kind === kind) {
        entry = byCall;
      } else {
        const atIndex = outputIndex === undefined ? undefined : this.atIndex?.get(outputIndex);
        // A new item_id at an index whose item is done is a new item; at an open item, a rotated id.
        if (atIndex !== undefined && atIndex.kind === kind && !(atIndex.done && conflicts(atIndex.id, itemId))) {
          entry = atIndex;
        } else if (itemId === undefined && outputIndex === undefined) {
          // Neither id nor index: the open item of its kind.
          entry = this.latestOpen(kind, undefined);
        } else {
          // An id or an index no item has: the open item of its kind that named no id (nor another index), such as an
          // announcement without them; an open item with an id is another item.
          entry = this.latestOpen(kind, outputIndex, (open) => open.id === undefined);
        }
      }
    }
    entry ??= this.create(kind);
    // A part's id is an alias only while the item has none: a gateway that rotates the id of every delta (as one
    // recorded relay does) must not grow a map entry per delta.
    this.attach(entry, undefined, entry.id === undefined ? itemId : undefined, outputIndex, callId);
    return entry;
  }

  /** The latest open item of `kind` that nothing contradicts: the open item of its kind, for anonymous parts. */
  private latestOpen(
    kind: ItemKind,
    outputIndex: number | undefined,
    accept: (entry: ItemEntry<T>) => boolean = () => true,
  ): ItemEntry<T> | undefined {
    for (let i = this.open.length - 1; i >= 0; i--) {
      const entry = this.open[i] as ItemEntry<T>;
      if (entry.kind === kind && !conflicts(entry.outputIndex, outputIndex) && accept(entry)) return entry;
    }
    return undefined;
  }

  /**
   * The same kind, and the same type once known. An open tool call's type came from an announcement (a writer that
   * did not know it says `function_call`): the whole item's type wins over it.
   */
  private fits(entry: ItemEntry<T>, type: string, kind: ItemKind): boolean {
    return entry.kind === kind && (entry.type === undefined || entry.type === type || (kind === 'tool' && !entry.done));
  }

  private create(kind: ItemKind): ItemEntry<T> {
    const entry = new ItemEntry<T>(kind, this.list.length);
    this.list.push(entry);
    this.open.push(entry);
    return entry;
  }

  /** Fills in what the entry did not know yet and indexes it; the latest item at an index wins the index. */
  private attach(
    entry: ItemEntry<T>,
    type: string | undefined,
    id: string | undefined,
    outputIndex: number | undefined,
    callId: string | undefined,
  ): void {
    if (type !== undefined && entry.type === undefined) entry.type = type;
    if (id !== undefined) {
      entry.id ??= id;
      if (this.byId?.get(id) !== entry) (this.byId ??= new Map()).set(id, entry);
    }
    if (callId !== undefined) {
      entry.callId ??= callId;
      if (this.byCallId?.get(callId) === undefined) (this.byCallId ??= new Map()).set(callId, entry);
    }
    // An item takes an index when it first learns one; it never takes back an index a later item took.
    if (outputIndex !== undefined && entry.outputIndex === undefined) {
      entry.outputIndex = outputIndex;
      (this.atIndex ??= new Map()).set(outputIndex, entry);
    }
  }
}

/**
 * The items of a ledger in the order of the response's final output (README: "Repair any provider"):
 *
 * 1. the order of `output` (the provider's `completed.output`), each of its items paired with a known item by the
 *    matching rule of this module (as a recovered item: {@link ItemLedger.find});
 * 2. when `output` pairs with none of them (missing or empty, as done-only providers send it): their `output_index`;
 * 3. an item that neither places (the provider's output lacks it, or it came without an index) keeps its place after
 *    the item that arrived just before it (first when none did): it is never left out.
 *
 * Ties keep arrival order. Runs once per response (not per event). A function, not a method, so that readers which
 * never write a response do not bundle it.
 *
 * @param ledger the items of the response.
 * @param output the provider's final output, when it sent one.
 * @param include which items to order (the others are left out of the result); all by default.
 */
export function outputOrder<T>(
  ledger: ItemLedger<T>,
  output: readonly WireItem[] | undefined,
  include: (entry: ItemEntry<T>) => boolean = () => true,
): ItemEntry<T>[] {
  const entries = ledger.entries.filter(include);
  const rank = new Map<ItemEntry<T>, number>();
  const claimed = new Set<ItemEntry<T>>();
  output?.forEach((item, position) => {
    const entry = ledger.find(item, position, { recovered: true, claimed });
    if (entry === undefined || rank.has(entry) || !include(entry)) return;
    rank.set(entry, position);
    if (!entry.done) claimed.add(entry);
  });
  if (rank.size === 0) {
    for (const entry of entries) if (entry.outputIndex !== undefined) rank.set(entry, entry.outputIndex);
  }
  const ordered = entries
    .filter((entry) => rank.has(entry))
    .sort((a, b) => (rank.get(a) as number) - (rank.get(b) as number) || a.order - b.order);
  entries.forEach((entry, arrival) => {
    if (rank.has(entry)) return;
    const before = arrival === 0 ? -1 : ordered.indexOf(entries[arrival - 1] as ItemEntry<T>);
    ordered.splice(before + 1, 0, entry);
  });
  return ordered;
}

/** A short digest of a content fingerprint: its length and its ends (equal fingerprints have equal digests). */
function contentKey(content: string): string {
  return content.length <= 96 ? content : `${content.length}\u0000${content.slice(0, 40)}\u0000${content.slice(-40)}`;
}

/** Two known values that differ; an unknown one contradicts nothing. */
function conflicts<V>(a: V | undefined, b: V | undefined): boolean {
  return a !== undefined && b !== undefined && a !== b;
}
