/**
 * What `trackStreamedKinds` knows about one stream: which kinds of output really streamed, which items the stream
 * delivered whole, and what arrived for the items it did not. Fallback policies read it.
 *
 * @module
 */
import type { NormalizedEvent } from './events';
import { type ItemEntry, type ItemKind, ItemLedger, itemFingerprint, kindOfType } from './items/identity';
import type { WireItem } from './wire/schemas';

/** Which kinds of delta streamed. */
export interface StreamedKinds {
  /** An `output_text.delta` or `refusal.delta` arrived. */
  readonly text: boolean;
  /** A reasoning summary or reasoning content delta arrived. */
  readonly reasoning: boolean;
  /** A tool-input delta arrived (function arguments, custom-tool input, code, MCP arguments, shell command, diff). */
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

/** What kind of item some evidence belongs to: the item `type` its events name, or `other` when none did. */
export type EvidenceKind =
  | 'message'
  | 'reasoning'
  | 'function_call'
  | 'custom_tool_call'
  | 'code_interpreter_call'
  | 'mcp_call'
  | 'shell_call'
  | 'shell_call_output'
  | 'apply_patch_call'
  | 'web_search_call'
  | 'file_search_call'
  | 'image_generation_call'
  | 'mcp_list_tools'
  | 'other';

/** What a hosted shell command printed, from `shell_call_output_content.delta` / `.done`. */
export interface ShellOutputEvidence {
  readonly stdout: string;
  readonly stderr: string;
  /** The command's whole `output` entry from `shell_call_output_content.done` (with its `outcome`), when it came. */
  readonly final: { readonly [key: string]: unknown } | undefined;
}

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
  /** Refusal parts of a message by `content_index` (`refusal.delta` / `.done`). */
  readonly refusals: ReadonlyMap<number, PartText>;
  /** Annotations of answer text parts by `content_index`, in `annotation_index` order. */
  readonly annotations: ReadonlyMap<number, readonly unknown[]>;
  /**
   * Tool-call input: function arguments, custom-tool input, code-interpreter code, MCP arguments or an apply_patch
   * diff. For a shell call: its commands joined by newlines (see {@link ItemEvidence.commands}).
   */
  readonly toolInput: PartText | undefined;
  /** A shell call's commands by `command_index`. */
  readonly commands: ReadonlyMap<number, PartText>;
  /** The call id seen on a tool-input event. */
  readonly callId: string | undefined;
  /** The latest status a hosted tool's progress events reported (`in_progress`, `searching`, …, `failed`). */
  readonly toolStatus: string | undefined;
  /** The latest partial image of an image generation call (base64). */
  readonly partialImage: string | undefined;
  /** A shell call output's commands by `command_index`. */
  readonly shellOutput: ReadonlyMap<number, ShellOutputEvidence>;
  /** True when any content (text, refusal, annotation, progress, image, output) arrived, not only an announcement. */
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

interface MutableShellOutput {
  stdout: string;
  stderr: string;
  final: Record<string, unknown> | undefined;
}

/** The text parts an item's evidence keeps by index. */
type PartField = 'content' | 'summary' | 'reasoningContent' | 'refusals' | 'commands';

/** What {@link StreamTracker.delivered} reads before any item was delivered. */
const NONE_DELIVERED: readonly DeliveredItem[] = Object.freeze([]);

/** What an evidence reads where nothing arrived: most items fill one or two of their nine maps. */
const NOTHING: ReadonlyMap<number, never> = new Map<number, never>();

class Evidence implements ItemEvidence {
  added: WireItem | undefined;
  kind: EvidenceKind = 'other';
  // Created when the first part arrives (allocating nine maps per item was a fixed cost of every small stream).
  private readonly partMaps: { [field in PartField]?: Map<number, MutablePart> } = {};
  private annotationMap: Map<number, unknown[]> | undefined;
  private shellOutputMap: Map<number, MutableShellOutput> | undefined;
  private input: MutablePart | undefined;
  callId: string | undefined;
  toolStatus: string | undefined;
  partialImage: string | undefined;

  get content(): ReadonlyMap<number, PartText> {
    return this.partMaps.content ?? NOTHING;
  }

  get summary(): ReadonlyMap<number, PartText> {
    return this.partMaps.summary ?? NOTHING;
  }

  get reasoningContent(): ReadonlyMap<number, PartText> {
    return this.partMaps.reasoningContent ?? NOTHING;
  }

  get refusals(): ReadonlyMap<number, PartText> {
    return this.partMaps.refusals ?? NOTHING;
  }

  get commands(): ReadonlyMap<number, PartText> {
    return this.partMaps.commands ?? NOTHING;
  }

  get annotations(): ReadonlyMap<number, readonly unknown[]> {
    return this.annotationMap ?? NOTHING;
  }

  get shellOutput(): ReadonlyMap<number, ShellOutputEvidence> {
    return this.shellOutputMap ?? NOTHING;
  }

  /** The parts of one field, created on first write. */
  parts(field: PartField): Map<number, MutablePart> {
    let parts = this.partMaps[field];
    if (parts === undefined) this.partMaps[field] = parts = new Map<number, MutablePart>();
    return parts;
  }

  /** The annotations of one content part, created on first write. */
  annotationsOf(contentIndex: number): unknown[] {
    this.annotationMap ??= new Map<number, unknown[]>();
    let list = this.annotationMap.get(contentIndex);
    if (list === undefined) this.annotationMap.set(contentIndex, (list = []));
    return list;
  }

  get toolInput(): PartText | undefined {
    if (this.commands.size === 0) return this.input;
    const parts = [...this.commands.entries()].sort(([a], [b]) => a - b).map(([, command]) => command);
    return { text: parts.map((command) => command.text).join('\n'), final: parts.every((command) => command.final) };
  }

  /** The tool input part (not for shell commands), created on first sight. */
  inputPart(): MutablePart {
    this.input ??= { text: '', final: false };
    return this.input;
  }

  /** The output of one shell command, created on first sight. */
  shellCommand(commandIndex: number): MutableShellOutput {
    this.shellOutputMap ??= new Map<number, MutableShellOutput>();
    let output = this.shellOutputMap.get(commandIndex);
    if (output === undefined)
      this.shellOutputMap.set(commandIndex, (output = { stdout: '', stderr: '', final: undefined }));
    return output;
  }

  constructor(private readonly entry: ItemEntry<Evidence>) {}

  get outputIndex(): number | undefined {
    return this.entry.outputIndex;
  }

  get itemId(): string | undefined {
    return this.entry.id;
  }

  get hasText(): boolean {
    return (
      this.content.size > 0 ||
      this.summary.size > 0 ||
      this.reasoningContent.size > 0 ||
      this.refusals.size > 0 ||
      this.annotations.size > 0 ||
      this.input !== undefined ||
      this.commands.size > 0 ||
      this.toolStatus !== undefined ||
      this.partialImage !== undefined ||
      this.shellOutput.size > 0
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
    const input = this.toolInput;
    if (input !== undefined) item[INPUT_FIELD[type] ?? 'arguments'] = input.text;
    return itemFingerprint(item as WireItem);
  }
}

/** The field of a tool call item its streamed input fills, by item type (others: see `recoverMissing`). */
export const INPUT_FIELD: Readonly<Record<string, string>> = {
  function_call: 'arguments',
  custom_tool_call: 'input',
  code_interpreter_call: 'code',
  mcp_call: 'arguments',
};

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
  /** Created with the first item delivered. */
  private deliveredItems: DeliveredItem[] | undefined;
  private reasoningDone = false;
  private firstResponseId: string | undefined;
  /** The part the last delta appended to ({@link partOf}). */
  private lastPart:
    | {
        readonly entry: ItemEntry<Evidence>;
        readonly field: PartField;
        readonly index: number;
        readonly part: MutablePart;
      }
    | undefined;
  /** Events observed and items marked delivered so far: what {@link matchOutput} pairs against. */
  private observed = 0;
  private lastMatch:
    | {
        output: readonly WireItem[];
        observed: number;
        matches: OutputMatches;
        /** The content fingerprint of each output item (`null`: none), computed once per item. */
        contents: readonly (string | null)[];
      }
    | undefined;

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
    return this.deliveredItems ?? NONE_DELIVERED;
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
    this.observed++;
    switch (event.type) {
      case 'outputTextDelta': {
        this.kinds.text = true;
        const entry = this.ledger.part('message', event.itemId, event.outputIndex);
        if (!entry.done) appendDelta(this.partOf(entry, 'message', 'content', event.contentIndex ?? 0), event.delta);
        return true;
      }
      case 'reasoningSummaryDelta': {
        this.kinds.reasoning = true;
        const entry = this.ledger.part('reasoning', event.itemId, event.outputIndex);
        if (!entry.done) appendDelta(this.partOf(entry, 'reasoning', 'summary', event.summaryIndex), event.delta);
        return true;
      }
      case 'reasoningContentDelta': {
        this.kinds.reasoning = true;
        const entry = this.ledger.part('reasoning', event.itemId, event.outputIndex);
        if (!entry.done)
          appendDelta(this.partOf(entry, 'reasoning', 'reasoningContent', event.contentIndex), event.delta);
        return true;
      }
      case 'toolCallInputDelta': {
        this.kinds.toolInput = true;
        const entry = this.ledger.part('tool', event.itemId, event.outputIndex, event.callId);
        if (entry.done) return true;
        const evidence = this.evidenceOf(entry, event.itemType);
        evidence.callId ??= event.callId;
        appendDelta(
          event.commandIndex === undefined
            ? evidence.inputPart()
            : part(evidence.parts('commands'), event.commandIndex),
          event.delta,
        );
        return true;
      }
      case 'refusalDelta': {
        this.kinds.text = true;
        const entry = this.ledger.part('message', event.itemId, event.outputIndex);
        if (!entry.done) appendDelta(this.partOf(entry, 'message', 'refusals', event.contentIndex), event.delta);
        return true;
      }
      case 'outputTextAnnotationAdded': {
        const entry = this.ledger.part('message', event.itemId, event.outputIndex);
        if (entry.done) return true;
        this.evidenceOf(entry, 'message').annotationsOf(event.contentIndex)[event.annotationIndex] = event.annotation;
        return true;
      }
      case 'toolCallProgress': {
        const entry = this.ledger.part(kindOfType(event.itemType), event.itemId, event.outputIndex);
        if (!entry.done) this.evidenceOf(entry, event.itemType).toolStatus = event.status;
        return true;
      }
      case 'partialImage': {
        const entry = this.ledger.part('tool', event.itemId, event.outputIndex);
        if (!entry.done) this.evidenceOf(entry, 'image_generation_call').partialImage = event.partialImageB64;
        return true;
      }
      case 'toolCallOutputDelta': {
        const entry = this.ledger.part('other', event.itemId, event.outputIndex);
        if (entry.done) return true;
        const output = this.evidenceOf(entry, 'shell_call_output').shellCommand(event.commandIndex);
        output.stdout += event.stdout;
        output.stderr += event.stderr;
        return true;
      }
      case 'partDone':
        this.observePartDone(event);
        return true;
      case 'outputItemAdded': {
        const entry = this.ledger.added(event.item, event.outputIndex);
        if (entry.done) return true;
        const evidence = this.evidenceOf(entry, kindOf(event.item.type));
        evidence.added = latestSnapshot(evidence.added, event.item);
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
    this.observed++;
    const { entry, first } = this.ledger.done(item, outputIndex);
    if (!first) return false;
    (this.deliveredItems ??= []).push({ id: entry.id, type: item.type, outputIndex });
    if (item.type === 'reasoning') this.reasoningDone = true;
    // The item is whole now: its evidence is no longer needed.
    entry.value = undefined;
    return true;
  }

  isDelivered(item: WireItem, outputIndex?: number): boolean {
    return this.ledger.find(item, outputIndex, { recovered: true })?.done === true;
  }

  /**
   * {@link isDelivered} for an item whose content fingerprint is known (see {@link contentOf}).
   *
   * @internal
   */
  isDeliveredAs(item: WireItem, outputIndex: number | undefined, content: string | null): boolean {
    return this.ledger.find(item, outputIndex, { recovered: true, content })?.done === true;
  }

  /**
   * The content fingerprint of an item to recover (`null`: none): the one {@link matchOutput} computed when it is
   * that item of the output paired last, so an item of `completed.output` is fingerprinted once, not once per question.
   *
   * @internal
   */
  contentOf(item: WireItem, outputIndex: number | undefined): string | null {
    const last = this.lastMatch;
    if (last !== undefined && outputIndex !== undefined && last.output[outputIndex] === item) {
      return last.contents[outputIndex] ?? null;
    }
    return itemFingerprint(item) ?? null;
  }

  matchOutput(output: readonly WireItem[]): OutputMatches {
    // A policy may ask twice at `completed` (recoverMissing does): the same output, with no event since, pairs the same.
    const last = this.lastMatch;
    if (last !== undefined && last.output === output && last.observed === this.observed) return last.matches;
    const contents: (string | null)[] = [];
    for (const item of output) contents.push(itemFingerprint(item) ?? null);
    const matches = this.pairOutput(output, contents);
    this.lastMatch = { output, observed: this.observed, matches, contents };
    return matches;
  }

  private pairOutput(output: readonly WireItem[], contents: readonly (string | null)[]): OutputMatches {
    // Created when needed: a single item repeats nothing, and most outputs claim no open item.
    let claimed: Set<ItemEntry<Evidence>> | undefined;
    const seen = output.length > 1 ? new ItemLedger() : undefined;
    // Arrays built by push, not by `map`: the array an optimized `map` returns can have another map (hidden class) than
    // the builtin's, and each reader of it compiled before then was deoptimized once it met one (`--trace-deopt`).
    const matches: OutputItemMatch[] = [];
    output.forEach((item, outputIndex) => {
      const content = contents[outputIndex] ?? null;
      if (seen !== undefined && !seen.done(item, outputIndex, { recovered: true, content }).first) {
        matches.push({ item, outputIndex, delivered: false, repeat: true, evidence: undefined });
        return;
      }
      const entry = this.ledger.find(item, outputIndex, { recovered: true, claimed, content });
      if (entry !== undefined && !entry.done) (claimed ??= new Set()).add(entry);
      matches.push({
        item,
        outputIndex,
        delivered: entry?.done === true,
        repeat: false,
        evidence: entry === undefined || entry.done ? undefined : entry.value,
      });
    });
    const missing: ItemEvidence[] = [];
    for (const entry of this.ledger.entries) {
      if (!entry.done && entry.value !== undefined && !claimed?.has(entry)) missing.push(entry.value);
    }
    return { output: matches, missing };
  }

  saw(item: WireItem, outputIndex?: number): boolean {
    return this.ledger.find(item, outputIndex, { recovered: true }) !== undefined;
  }

  private observePartDone(event: Extract<NormalizedEvent, { type: 'partDone' }>): void {
    switch (event.part) {
      case 'outputText':
        this.finalizePart('message', event, 'content');
        break;
      case 'contentPart':
        if (event.partType === 'reasoning_text') {
          this.finalizePart('reasoning', event, 'reasoningContent', true);
        } else {
          // content_part.done repeats output_text.done; it only fills a part output_text.done did not.
          this.finalizePart('message', event, 'content', true);
        }
        break;
      case 'reasoningSummary':
        this.finalizePart('reasoning', event, 'summary');
        break;
      case 'reasoningContent':
        this.finalizePart('reasoning', event, 'reasoningContent');
        break;
      case 'toolCallInput': {
        const entry = this.ledger.part('tool', event.itemId, event.outputIndex);
        if (entry.done) break;
        const kind = isEvidenceKind(event.partType) ? event.partType : 'function_call';
        const evidence = this.evidenceOf(entry, kind);
        finalize(
          kind === 'shell_call' ? part(evidence.parts('commands'), event.index) : evidence.inputPart(),
          event.text,
        );
        break;
      }
      case 'refusal':
        this.finalizePart('message', event, 'refusals');
        break;
      case 'shellOutput': {
        const entry = this.ledger.part('other', event.itemId, event.outputIndex);
        if (entry.done) break;
        const entries = (event.output ?? []).filter(
          (output): output is Record<string, unknown> => typeof output === 'object' && output !== null,
        );
        // One output entry per command; several (a provider that splits a command's output) are joined.
        this.evidenceOf(entry, 'shell_call_output').shellCommand(event.index).final =
          entries.length === 1
            ? entries[0]
            : {
                ...entries[entries.length - 1],
                stdout: entries
                  .map((output) => (typeof output['stdout'] === 'string' ? output['stdout'] : ''))
                  .join(''),
                stderr: entries
                  .map((output) => (typeof output['stderr'] === 'string' ? output['stderr'] : ''))
                  .join(''),
              };
        break;
      }
    }
  }

  private finalizePart(
    kind: 'message' | 'reasoning',
    event: Extract<NormalizedEvent, { type: 'partDone' }>,
    field: PartField,
    onlyIfOpen = false,
  ): void {
    const entry = this.ledger.part(kind, event.itemId, event.outputIndex);
    if (entry.done) return;
    finalize(part(this.evidenceOf(entry, kind).parts(field), event.index), event.text, onlyIfOpen);
  }

  /**
   * The part of an item a delta appends to. The part the last delta found is kept: the next delta of the same item
   * and part (most deltas) appends there without looking it up again. A part, once created, stays the item's until
   * the item is done (and a done item takes no delta).
   */
  private partOf(
    entry: ItemEntry<Evidence>,
    kind: 'message' | 'reasoning',
    field: PartField,
    index: number,
  ): MutablePart {
    const last = this.lastPart;
    if (last !== undefined && last.entry === entry && last.field === field && last.index === index) return last.part;
    const found = part(this.evidenceOf(entry, kind).parts(field), index);
    this.lastPart = { entry, field, index, part: found };
    return found;
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

const EVIDENCE_KINDS: ReadonlySet<string> = new Set<EvidenceKind>([
  'message',
  'reasoning',
  'function_call',
  'custom_tool_call',
  'code_interpreter_call',
  'mcp_call',
  'shell_call',
  'shell_call_output',
  'apply_patch_call',
  'web_search_call',
  'file_search_call',
  'image_generation_call',
  'mcp_list_tools',
]);

function isEvidenceKind(type: string | undefined): type is EvidenceKind {
  return type !== undefined && EVIDENCE_KINDS.has(type);
}

function kindOf(type: string): EvidenceKind {
  return isEvidenceKind(type) ? type : 'other';
}

/**
 * The newer announcement of an item wins; opaque state it lacks (a reasoning item's `encrypted_content`) is kept
 * from the older one, so a re-announcement without it never loses the latest value.
 */
function latestSnapshot(previous: WireItem | undefined, next: WireItem): WireItem {
  if (previous === undefined) return next;
  const blob = next['encrypted_content'];
  if ((blob === undefined || blob === null || blob === '') && typeof previous['encrypted_content'] === 'string') {
    return { ...next, encrypted_content: previous['encrypted_content'] };
  }
  return next;
}
