/**
 * The state machine behind `serializeEvents`: normalized events in, the canonical Responses wire events out, as
 * OpenAI sends them (see the streaming events reference, https://platform.openai.com/docs/api-reference/responses-streaming).
 *
 * @module
 */
import { ResponseCancelledError, ResponseFailedError, ResponseIncompleteError, ResponsesRxError } from '../errors';
import type { ResponseEvent, Usage } from '../events';
import { type ItemEntry, ItemLedger, itemFingerprint, kindOfType, outputOrder } from '../items/identity';
import type { WireItem, WireResponse } from '../wire/schemas';

/** One canonical wire event as written: the JSON object of one SSE `data:` line. */
export type CanonicalWireEvent = {
  readonly type: string;
  readonly sequence_number: number;
  readonly [key: string]: unknown;
};

/** Options of `serializeEvents`. */
export interface SerializeEventsOptions {
  /**
   * The size, in UTF-16 code units, of the deltas an item that arrived whole is streamed in (a surrogate pair is
   * never cut). Deltas that streamed are written as they came.
   * @defaultValue 32
   */
  readonly chunkSize?: number;
  /**
   * `model` of the response object written in `response.created` and `response.in_progress` (normalized events do not
   * carry it; strict clients such as the AI SDK require it). `response.completed` keeps the provider's.
   * @defaultValue `'unknown'`
   */
  readonly model?: string;
  /**
   * `created_at` (Unix seconds) of the response object written in `response.created` and `response.in_progress`.
   * @defaultValue the time the first event is written
   */
  readonly createdAt?: number;
  /**
   * Makes an id for a response or an item the provider sent without one, from a prefix (`resp`, `msg`, `rs`, `fc`,
   * `ctc`, `item`).
   * @defaultValue `${prefix}_rx` followed by a per-stream random tag and a counter
   */
  readonly generateId?: (prefix: string) => string;
}

/** The default of {@link SerializeEventsOptions.chunkSize}. */
export const DEFAULT_CHUNK_SIZE = 32;

type Family = 'content' | 'summary' | 'reasoning' | 'input' | 'output';

interface Part {
  readonly family: Family;
  readonly index: number;
  /** For `content` parts: `output_text`, `refusal`, or another part type (which has no deltas). */
  readonly partType: string;
  text: string;
  closed: boolean;
  /** `content` parts: how many annotations were written (`output_text.annotation.added`). */
  annotations: number;
  /** `output` parts (a shell command's output): the stderr that streamed, `text` being the stdout. */
  stderr: string;
}

/** One output item as written. */
interface Slot {
  /** The written `output_index`: 0, 1, 2… in the order items are written. */
  readonly index: number;
  /** The written id: the provider's, or a generated one. */
  readonly id: string;
  readonly type: string;
  /** The item as announced in `output_item.added` (its text emptied: the text follows as deltas). */
  readonly announced: WireItem;
  readonly parts: Part[];
  /** `call_id` seen on tool-input deltas, for an item announced by its deltas. */
  callId: string | undefined;
  /** The item as written in `output_item.done`; set once the item is done. */
  final: WireItem | undefined;
}

/** Where a {@link WireWriter} sends what it writes: an rxjs `Subscriber` is one. */
export interface WireSink {
  next(event: CanonicalWireEvent): void;
  /** True once nothing more should be written (the consumer left): a long item stops streaming there. */
  readonly closed: boolean;
}

const ID_PREFIXES: Readonly<Record<string, string>> = {
  message: 'msg',
  reasoning: 'rs',
  function_call: 'fc',
  custom_tool_call: 'ctc',
};

/**
 * Writes the canonical wire events of one response to a sink. Feed it every normalized event in order with
 * {@link write} and the source's error, if any, with {@link fail}; each sends the wire events at once (the first delta
 * of an item that arrived whole leaves before the next is cut).
 *
 * Items are written one after another in the order they arrive, with output indexes 0, 1, 2…; an item's
 * events are `output_item.added`, its parts added, its deltas, its `*.done` events, then `output_item.done`. An item
 * that arrives whole while an item the provider placed before it (a lower `output_index`) has not arrived waits for
 * it, or for anything else to write. The terminal event's `output` is in the provider's order
 * (`outputOrder` of `lib/items/identity`).
 * `response.completed` (or `response.failed` / `response.incomplete` / `error`) ends the stream; events after it are
 * ignored.
 */
export class WireWriter {
  private readonly chunkSize: number;
  private readonly model: string;
  private readonly createdAt: number | undefined;
  private readonly generateId: (prefix: string) => string;
  private sequence = 0;
  private responseId: string | undefined;
  private started = false;
  private createdAtWritten = 0;
  private finished = false;
  private readonly slots: Slot[] = [];
  /**
   * Which item each event belongs to: the one identity module the readers use too (`lib/items/identity`). An entry's
   * value is its written slot.
   */
  private readonly ledger = new ItemLedger<Slot>((entry) =>
    entry.value === undefined ? undefined : itemFingerprint(rebuilt(entry.value)),
  );
  /**
   * Items that arrived whole while an item the provider placed before them (a lower `output_index`) had not arrived,
   * in `output_index` order: written once that item is, or before anything else is written (see {@link WireWriter}).
   */
  private readonly held: { readonly entry: ItemEntry<Slot>; readonly item: WireItem; readonly outputIndex: number }[] =
    [];
  /** Whether audio or its transcript streamed (their `*.done` events come before the terminal event). */
  private audio = false;
  private transcript = false;
  constructor(
    private readonly sink: WireSink,
    options: SerializeEventsOptions = {},
  ) {
    this.chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    this.model = options.model ?? 'unknown';
    this.createdAt = options.createdAt;
    this.generateId = options.generateId ?? defaultIdGenerator();
  }

  /** True once a terminal event (`response.completed`, `response.failed`, `response.incomplete`, `error`) is written. */
  get done(): boolean {
    return this.finished;
  }

  /** Writes the wire events of one normalized event (often one; none after the terminal event). */
  write(event: ResponseEvent): void {
    if (this.finished) return;
    // Held items go out before anything else but another whole item (which may be the one they wait for).
    if (this.held.length > 0 && !(event.type === 'outputItemDone' && event.outputIndex !== undefined)) this.release();
    switch (event.type) {
      case 'created':
        if (!this.started) this.start(event.responseId);
        break;
      // Status events come before any item, as in OpenAI's stream (a client's accumulator restarts from their
      // response object): one a gateway sends late is left out.
      case 'queued':
        this.start(event.responseId);
        if (this.slots.length > 0) break;
        this.emit('response.queued', { response: this.lifecycle('queued', event.responseId) });
        break;
      case 'inProgress':
        this.start(event.responseId);
        if (this.slots.length > 0) break;
        this.emit('response.in_progress', { response: this.lifecycle('in_progress', event.responseId) });
        break;
      case 'outputItemAdded':
        this.run();
        this.added(event.item, event.outputIndex);
        break;
      case 'outputTextDelta': {
        const slot = this.slotFor('message', event.itemId, event.outputIndex);
        if (slot === undefined) break;
        this.delta(
          slot,
          this.open(slot, 'content', event.contentIndex ?? 0, 'output_text'),
          event.delta,
          event.logprobs,
        );
        break;
      }
      case 'refusalDelta': {
        const slot = this.slotFor('message', event.itemId, event.outputIndex);
        if (slot !== undefined)
          this.delta(slot, this.open(slot, 'content', event.contentIndex, 'refusal'), event.delta);
        break;
      }
      case 'outputTextAnnotationAdded': {
        const slot = this.slotFor('message', event.itemId, event.outputIndex);
        if (slot === undefined) break;
        const part = this.open(slot, 'content', event.contentIndex, 'output_text');
        this.annotate(slot, part, event.annotationIndex, event.annotation);
        break;
      }
      case 'reasoningSummaryDelta': {
        const slot = this.slotFor('reasoning', event.itemId, event.outputIndex);
        if (slot !== undefined) this.delta(slot, this.open(slot, 'summary', event.summaryIndex), event.delta);
        break;
      }
      case 'reasoningContentDelta': {
        const slot = this.slotFor('reasoning', event.itemId, event.outputIndex);
        if (slot !== undefined) this.delta(slot, this.open(slot, 'reasoning', event.contentIndex), event.delta);
        break;
      }
      case 'reasoningSummaryPartAdded': {
        const slot = this.slotFor('reasoning', event.itemId, event.outputIndex);
        if (slot !== undefined) this.open(slot, 'summary', event.summaryIndex);
        break;
      }
      case 'toolCallInputDelta': {
        const slot = this.slotFor(event.itemType, event.itemId, event.outputIndex, event.callId);
        if (slot === undefined) break;
        if (event.callId !== undefined) slot.callId ??= event.callId;
        this.delta(slot, this.open(slot, 'input', event.commandIndex ?? 0), event.delta, undefined, event.callId);
        break;
      }
      case 'toolCallProgress': {
        const slot = this.slotFor(event.itemType, event.itemId, event.outputIndex);
        if (slot !== undefined) {
          this.emit(`response.${event.itemType}.${event.status}`, { item_id: slot.id, output_index: slot.index });
        }
        break;
      }
      case 'toolCallOutputDelta': {
        const slot = this.slotFor(event.itemType, event.itemId, event.outputIndex);
        if (slot === undefined) break;
        const part = this.open(slot, 'output', event.commandIndex);
        part.text += event.stdout;
        part.stderr += event.stderr;
        this.emit('response.shell_call_output_content.delta', {
          item_id: slot.id,
          output_index: slot.index,
          command_index: event.commandIndex,
          delta: { stdout: event.stdout, stderr: event.stderr },
        });
        break;
      }
      case 'partialImage': {
        const slot = this.slotFor('image_generation_call', event.itemId, event.outputIndex);
        if (slot === undefined) break;
        this.emit('response.image_generation_call.partial_image', {
          item_id: slot.id,
          output_index: slot.index,
          partial_image_index: event.partialImageIndex,
          partial_image_b64: event.partialImageB64,
          ...(event.size === undefined ? {} : { size: event.size }),
          ...(event.outputFormat === undefined ? {} : { output_format: event.outputFormat }),
          ...(event.quality === undefined ? {} : { quality: event.quality }),
          ...(event.background === undefined ? {} : { background: event.background }),
        });
        break;
      }
      case 'audioDelta':
        this.run();
        this.audio = true;
        this.emit('response.audio.delta', { delta: event.delta });
        break;
      case 'audioTranscriptDelta':
        this.run();
        this.transcript = true;
        this.emit('response.audio.transcript.delta', { delta: event.delta });
        break;
      case 'unknownEvent': {
        // Written as received (a newer API's event), numbered in this stream.
        const { type, sequence_number: _, ...fields } = event.event as { type: string; sequence_number?: unknown };
        this.emit(type, fields);
        break;
      }
      case 'outputItemDone':
        this.run();
        this.itemDone(event.item, event.outputIndex, event.recovered);
        break;
      case 'completed':
        this.completed(event.response, event.responseId, event.usage);
        break;
      default: {
        // A new kind of normalized event must be given its wire form here.
        const unwritten: never = event;
        throw new TypeError(`serializeEvents: no wire form for ${JSON.stringify(unwritten)}`);
      }
    }
  }

  /**
   * The terminal wire event for the source's error: `ResponseFailedError` from a `response.failed` → `response.failed`
   * with the server's code and message; from an `error` event → `error`; `ResponseIncompleteError` →
   * `response.incomplete` with its reason; `ResponseCancelledError` → `response.cancelled`; any other error → `error`
   * with the responses-rx `code` (`stream_closed`, `idle_timeout`, …) and message.
   *
   * Writes nothing when the stream already ended.
   */
  fail(error: unknown): void {
    if (this.finished) return;
    this.release();
    this.endAudio();
    if (error instanceof ResponseFailedError && error.source === 'response.failed') {
      this.run(error.responseId);
      this.emit('response.failed', {
        response: this.response('failed', {
          error: { code: error.serverCode ?? null, message: error.serverMessage },
        }),
      });
    } else if (error instanceof ResponseIncompleteError) {
      const received = isObject(error.response) ? (error.response as WireResponse) : undefined;
      this.run(received?.id ?? undefined);
      this.emit('response.incomplete', {
        response: this.response('incomplete', {
          ...received,
          incomplete_details: { ...received?.incomplete_details, reason: error.reason ?? null },
        }),
      });
    } else if (error instanceof ResponseCancelledError) {
      const received = isObject(error.response) ? (error.response as WireResponse) : undefined;
      this.run(error.responseId);
      this.emit('response.cancelled', { response: this.response('cancelled', { ...received }) });
    } else if (error instanceof ResponseFailedError) {
      this.emit('error', { code: error.serverCode ?? null, message: error.serverMessage, param: null });
    } else {
      const code = error instanceof ResponsesRxError ? error.code : 'server_error';
      const message = error instanceof Error ? error.message : String(error);
      this.emit('error', { code, message, param: null });
    }
    this.finished = true;
  }

  /** The source completed without a terminal event: writes the items still held back (and no terminal event). */
  end(): void {
    if (!this.finished) this.release();
  }

  private emit(type: string, fields: Record<string, unknown>): void {
    this.sink.next({ type, sequence_number: this.sequence++, ...fields });
  }

  /** Writes `response.created` once, before anything else. */
  private start(responseId: string | undefined): void {
    if (this.started) return;
    this.started = true;
    this.responseId = responseId ?? this.generateId('resp');
    this.createdAtWritten = this.createdAt ?? Math.floor(Date.now() / 1000);
    this.emit('response.created', { response: this.lifecycle('in_progress') });
  }

  /**
   * Writes `response.created` when nothing was written yet. (`response.in_progress` and `response.queued` are written
   * when the provider sent them: clients need neither.)
   */
  private run(responseId?: string): void {
    this.start(responseId);
  }

  /** The response object of `response.created`, `.queued` and `.in_progress`: the response id as the event named it. */
  private lifecycle(status: string, responseId?: string): Record<string, unknown> {
    return {
      id: responseId ?? this.responseId,
      object: 'response',
      created_at: this.createdAtWritten,
      status,
      model: this.model,
      output: [],
    };
  }

  /** A response object for a terminal event: the delivered items as `output`. */
  private response(status: string, fields: Record<string, unknown>): Record<string, unknown> {
    return {
      object: 'response',
      model: this.model,
      ...fields,
      id: this.responseId,
      status,
      output: this.delivered(Array.isArray(fields['output']) ? (fields['output'] as WireItem[]) : undefined),
    };
  }

  /**
   * The finished items, in the order of the provider's final `output` (by `output_index` when it sent none; an item it
   * lacks after the one that arrived before it): the order `outputOrder` of `lib/items/identity` decides.
   */
  private delivered(output: readonly WireItem[] | undefined): WireItem[] {
    return outputOrder(this.ledger, output, (entry) => entry.value?.final !== undefined).map(
      (entry) => (entry.value as Slot).final as WireItem,
    );
  }

  // ---- items ----

  private added(item: WireItem, outputIndex: number | undefined): void {
    const entry = this.ledger.added(item, outputIndex);
    // An item whose parts came first, or announced again, is announced once.
    if (entry.value === undefined) entry.value = this.announce(item, false);
  }

  /** Opens a slot for an item, writes its `output_item.added`, and returns it. */
  private announce(item: WireItem, whole: boolean): Slot {
    const id = item.id ?? this.generateId(ID_PREFIXES[item.type] ?? 'item');
    const slot: Slot = {
      index: this.slots.length,
      id,
      type: item.type,
      announced: { ...emptied(item, whole), id },
      parts: [],
      callId: undefined,
      final: undefined,
    };
    this.slots.push(slot);
    this.emit('response.output_item.added', { output_index: slot.index, item: slot.announced });
    return slot;
  }

  /**
   * The written item an event of an item of `type` belongs to (asking the ledger), announced from the event when the
   * provider never announced it. `undefined` for an event of an item already done (dropped).
   */
  private slotFor(
    type: string,
    itemId: string | undefined,
    outputIndex: number | undefined,
    callId?: string,
  ): Slot | undefined {
    this.run();
    const entry = this.ledger.part(kindOfType(type), itemId, outputIndex, callId);
    if (entry.done) return undefined;
    if (entry.value !== undefined) return entry.value;
    const id = itemId === undefined ? {} : { id: itemId };
    const item: WireItem =
      type === 'message'
        ? { type, ...id, role: 'assistant', status: 'in_progress', content: [] }
        : type === 'reasoning'
          ? { type, ...id, summary: [] }
          : emptied({ type, ...id, ...(callId === undefined ? {} : { call_id: callId }), status: 'in_progress' }, true);
    const slot = this.announce(item, false);
    entry.value = slot;
    return slot;
  }

  private itemDone(item: WireItem, outputIndex: number | undefined, recovered: boolean): void {
    const { entry, first } = this.ledger.done(item, outputIndex, { recovered });
    if (!first) return; // delivered already
    if (entry.value === undefined && outputIndex !== undefined && this.ledger.missingBefore(outputIndex)) {
      // It came whole, and an item the provider placed before it has not come yet (a final-only provider's message,
      // its reasoning still to be recovered from completed.output): it waits, so that output indexes follow the
      // provider's order.
      let at = this.held.length;
      while (at > 0 && (this.held[at - 1]?.outputIndex ?? 0) > outputIndex) at--;
      this.held.splice(at, 0, { entry, item, outputIndex });
      return;
    }
    this.writeWhole(entry, item);
    if (this.held.length > 0) this.release(true);
  }

  /** Writes an item that is done: announced (when it came whole) and finished. */
  private writeWhole(entry: ItemEntry<Slot>, item: WireItem): void {
    const slot = entry.value ?? this.announce(item, true);
    entry.value = slot;
    this.finish(slot, { ...item, id: slot.id });
  }

  /**
   * Writes the held items in `output_index` order: every one, or (`ready`) those before which no index is missing
   * any more.
   */
  private release(ready = false): void {
    while (this.held.length > 0 && !this.sink.closed) {
      const next = this.held[0] as (typeof this.held)[number];
      if (ready && this.ledger.missingBefore(next.outputIndex)) return;
      this.held.shift();
      this.writeWhole(next.entry, next.item);
    }
  }

  /**
   * Streams what did not stream of each part of `item`, then closes every part with its final text, then writes
   * `output_item.done`. Parts close together at the end of their item (never when the next part begins), so that the
   * order of the events depends only on what a reader of them sees again.
   */
  private finish(slot: Slot, item: WireItem): void {
    const finalText = new Map<Part, string>();
    for (const { family, index, partType, text } of partsOf(item)) {
      const part = this.open(slot, family, index, partType);
      if (text === undefined) continue;
      finalText.set(part, text);
      if (text.startsWith(part.text) && text.length > part.text.length) {
        this.stream(slot, part, text.slice(part.text.length));
        if (this.sink.closed) return;
      }
    }
    for (const part of slot.parts) if (!part.closed) this.close(slot, part, finalText.get(part) ?? part.text, item);
    slot.final = item;
    this.emit('response.output_item.done', { output_index: slot.index, item });
  }

  private completed(response: WireResponse, responseId: string | undefined, usage: Usage | undefined): void {
    this.run(response.id ?? responseId);
    for (const slot of this.slots) if (slot.final === undefined) this.finish(slot, rebuilt(slot));
    this.endAudio();
    const written: Record<string, unknown> = {
      ...response,
      id: response.id ?? responseId ?? this.responseId,
      status: response.status ?? 'completed',
      output: this.delivered(response.output ?? undefined),
    };
    if (response.usage == null && usage !== undefined) written['usage'] = toWireUsage(usage);
    this.emit('response.completed', { response: written });
    this.finished = true;
  }

  /** Ends the audio and its transcript, when they streamed. */
  private endAudio(): void {
    if (this.audio) this.emit('response.audio.done', {});
    if (this.transcript) this.emit('response.audio.transcript.done', {});
    this.audio = this.transcript = false;
  }

  // ---- parts ----

  /** Writes an annotation of an answer part (`response.output_text.annotation.added`). */
  private annotate(slot: Slot, part: Part, annotationIndex: number, annotation: unknown): void {
    if (part.closed) return;
    part.annotations = Math.max(part.annotations, annotationIndex + 1);
    this.emit('response.output_text.annotation.added', {
      item_id: slot.id,
      output_index: slot.index,
      content_index: part.index,
      annotation_index: annotationIndex,
      annotation,
    });
  }

  /** The part `family`/`index` of the slot, opened (and announced by its `*_part.added` event) on first use. */
  private open(slot: Slot, family: Family, index: number, partType?: string): Part {
    for (const part of slot.parts) if (part.family === family && part.index === index) return part;
    // Parts are announced in index order (clients append them): the ones before this one come first, empty.
    for (let earlier = 0; earlier < index; earlier++) {
      if (!slot.parts.some((part) => part.family === family && part.index === earlier))
        this.open(slot, family, earlier);
    }
    const type = partType ?? defaultPartType(family);
    const part: Part = { family, index, partType: type, text: '', closed: false, annotations: 0, stderr: '' };
    slot.parts.push(part);
    const at = { item_id: slot.id, output_index: slot.index };
    if (family === 'content') {
      this.emit('response.content_part.added', { ...at, content_index: index, part: emptyPart(type) });
    } else if (family === 'summary') {
      this.emit('response.reasoning_summary_part.added', {
        ...at,
        summary_index: index,
        part: { type: 'summary_text', text: '' },
      });
    } else if (family === 'reasoning') {
      this.emit('response.content_part.added', {
        ...at,
        content_index: index,
        part: { type: 'reasoning_text', text: '' },
      });
    } else if (family === 'input' && slot.type === 'shell_call') {
      this.emit('response.shell_call_command.added', { ...at, command_index: index, command: '' });
    }
    return part;
  }

  /** Streams `text` as deltas of `chunkSize` code units (never cutting a surrogate pair), until the sink closes. */
  private stream(slot: Slot, part: Part, text: string): void {
    const size = this.chunkSize;
    let start = 0;
    while (start < text.length && !this.sink.closed) {
      let end = Math.min(start + size, text.length);
      if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) end += end - start > 1 ? -1 : 1;
      this.delta(slot, part, text.slice(start, end));
      start = end;
    }
  }

  /** Writes one delta (the hot path: one object literal per event, nothing else allocated). */
  private delta(slot: Slot, part: Part, delta: string, logprobs?: readonly unknown[], callId?: string): void {
    if (part.closed) return;
    part.text += delta;
    const sink = this.sink;
    switch (part.family) {
      case 'content':
        if (part.partType === 'output_text') {
          sink.next({
            type: 'response.output_text.delta',
            sequence_number: this.sequence++,
            item_id: slot.id,
            output_index: slot.index,
            content_index: part.index,
            delta,
            logprobs: logprobs ?? [],
          });
        } else if (part.partType === 'refusal') {
          sink.next({
            type: 'response.refusal.delta',
            sequence_number: this.sequence++,
            item_id: slot.id,
            output_index: slot.index,
            content_index: part.index,
            delta,
          });
        }
        break;
      case 'summary':
        sink.next({
          type: 'response.reasoning_summary_text.delta',
          sequence_number: this.sequence++,
          item_id: slot.id,
          output_index: slot.index,
          summary_index: part.index,
          delta,
        });
        break;
      case 'reasoning':
        sink.next({
          type: 'response.reasoning_text.delta',
          sequence_number: this.sequence++,
          item_id: slot.id,
          output_index: slot.index,
          content_index: part.index,
          delta,
        });
        break;
      case 'input': {
        const input = INPUTS[slot.type] ?? INPUTS['function_call'];
        // A shell command begins with `shell_call_command.added`, which reads back as an empty delta: none more.
        if (slot.type === 'shell_call' && delta === '') break;
        this.emit(`${input.event}.delta`, {
          item_id: slot.id,
          output_index: slot.index,
          ...(slot.type === 'shell_call' ? { command_index: part.index } : {}),
          ...(callId === undefined ? {} : { call_id: callId }),
          delta,
        });
        break;
      }
    }
  }

  /** Writes the `*.done` events of a part with its final text. */
  private close(slot: Slot, part: Part, text = part.text, item?: WireItem): void {
    part.text = text;
    const at = { item_id: slot.id, output_index: slot.index };
    switch (part.family) {
      case 'content': {
        const final = (item?.['content'] as unknown[] | undefined)?.[part.index];
        const annotations = isObject(final) && Array.isArray(final['annotations']) ? final['annotations'] : [];
        for (let i = part.annotations; i < annotations.length; i++) this.annotate(slot, part, i, annotations[i]);
        if (part.partType === 'output_text') {
          this.emit('response.output_text.done', { ...at, content_index: part.index, text, logprobs: [] });
        } else if (part.partType === 'refusal') {
          this.emit('response.refusal.done', { ...at, content_index: part.index, refusal: text });
        }
        this.emit('response.content_part.done', {
          ...at,
          content_index: part.index,
          part: isObject(final) ? final : filledPart(part.partType, text),
        });
        break;
      }
      case 'summary':
        this.emit('response.reasoning_summary_text.done', { ...at, summary_index: part.index, text });
        this.emit('response.reasoning_summary_part.done', {
          ...at,
          summary_index: part.index,
          part: { type: 'summary_text', text },
        });
        break;
      case 'reasoning':
        this.emit('response.reasoning_text.done', { ...at, content_index: part.index, text });
        this.emit('response.content_part.done', {
          ...at,
          content_index: part.index,
          part: { type: 'reasoning_text', text },
        });
        break;
      case 'input': {
        const input = INPUTS[slot.type] ?? INPUTS['function_call'];
        const name = slot.type === 'function_call' ? (item?.['name'] ?? slot.announced['name']) : undefined;
        this.emit(`${input.event}.done`, {
          ...at,
          ...(slot.type === 'shell_call' ? { command_index: part.index } : {}),
          ...(typeof name === 'string' && name !== '' ? { name } : {}),
          [input.field]: text,
        });
        break;
      }
      case 'output': {
        const entry = (Array.isArray(item?.['output']) ? (item['output'] as unknown[]) : [])[part.index];
        this.emit('response.shell_call_output_content.done', {
          ...at,
          command_index: part.index,
          output: [entry ?? { stdout: part.text, stderr: part.stderr }],
        });
        break;
      }
    }
    part.closed = true;
  }
}

// ---- item shapes ----

interface PartText {
  readonly family: Family;
  readonly index: number;
  readonly partType: string;
  /** The part's text; undefined for a part type that has none (it is announced and finished, never streamed). */
  readonly text: string | undefined;
}

/**
 * The tool items whose input streams: the event family of their deltas and `*.done`, and the field of the `*.done`
 * event (Responses streaming events reference).
 */
const INPUTS: Readonly<Record<string, { readonly event: string; readonly field: string }>> & {
  readonly function_call: { readonly event: string; readonly field: string };
} = {
  function_call: { event: 'response.function_call_arguments', field: 'arguments' },
  custom_tool_call: { event: 'response.custom_tool_call_input', field: 'input' },
  code_interpreter_call: { event: 'response.code_interpreter_call_code', field: 'code' },
  mcp_call: { event: 'response.mcp_call_arguments', field: 'arguments' },
  apply_patch_call: { event: 'response.apply_patch_call_operation_diff', field: 'diff' },
  shell_call: { event: 'response.shell_call_command', field: 'command' },
};

/** The input texts of a tool item (one per shell command), where the item keeps them; undefined for other items. */
function inputsOf(item: { readonly [key: string]: unknown }): (string | undefined)[] | undefined {
  switch (item['type']) {
    case 'function_call':
    case 'mcp_call':
      return [stringOr(item['arguments'])];
    case 'custom_tool_call':
      return [stringOr(item['input'])];
    case 'code_interpreter_call':
      return [stringOr(item['code'])];
    case 'apply_patch_call': {
      const operation = item['operation'];
      return isObject(operation) && typeof operation['diff'] === 'string' ? [operation['diff']] : [];
    }
    case 'shell_call': {
      const action = item['action'];
      const commands = isObject(action) && Array.isArray(action['commands']) ? action['commands'] : [];
      return commands.map(stringOr);
    }
    default:
      return undefined;
  }
}

/** Sets the input texts of a tool item (see {@link inputsOf}). */
function setInputs(item: { [key: string]: unknown }, texts: readonly string[]): void {
  switch (item['type']) {
    case 'function_call':
    case 'mcp_call':
      item['arguments'] = texts[0] ?? '';
      break;
    case 'custom_tool_call':
      item['input'] = texts[0] ?? '';
      break;
    case 'code_interpreter_call':
      item['code'] = texts[0] ?? '';
      break;
    case 'apply_patch_call':
      if (isObject(item['operation']) && (texts.length > 0 || typeof item['operation']['diff'] === 'string')) {
        item['operation'] = { ...item['operation'], diff: texts[0] ?? '' };
      }
      break;
    case 'shell_call':
      item['action'] = { ...(isObject(item['action']) ? item['action'] : {}), commands: [...texts] };
      break;
  }
}

/** The streamable parts of a finished item, in order. */
function partsOf(item: WireItem): PartText[] {
  const parts: PartText[] = [];
  switch (item.type) {
    case 'message':
      arrayOf(item['content']).forEach((part, index) => {
        const partType = typeof part['type'] === 'string' ? part['type'] : 'output_text';
        const text = partType === 'output_text' ? part['text'] : partType === 'refusal' ? part['refusal'] : undefined;
        parts.push({ family: 'content', index, partType, text: typeof text === 'string' ? text : undefined });
      });
      break;
    case 'reasoning':
      arrayOf(item['summary']).forEach((part, index) =>
        parts.push({ family: 'summary', index, partType: 'summary_text', text: stringOr(part['text']) }),
      );
      arrayOf(item['content']).forEach((part, index) =>
        parts.push({ family: 'reasoning', index, partType: 'reasoning_text', text: stringOr(part['text']) }),
      );
      break;
    default:
      inputsOf(item)?.forEach((text, index) => parts.push({ family: 'input', index, partType: 'input', text }));
  }
  return parts;
}

/** The item as announced: its text emptied (it follows as deltas); an item that came whole is `in_progress`. */
function emptied(item: WireItem, whole: boolean): WireItem {
  const announced: { [key: string]: unknown } = { ...item };
  if (whole && typeof item['status'] === 'string') announced['status'] = 'in_progress';
  switch (item.type) {
    case 'message':
      announced['content'] = [];
      break;
    case 'reasoning':
      announced['summary'] = [];
      if (item['content'] !== undefined) announced['content'] = [];
      break;
    case 'shell_call_output':
      if (Array.isArray(item['output'])) announced['output'] = [];
      break;
    default:
      if (inputsOf(item) !== undefined) setInputs(announced, []);
  }
  return announced as WireItem;
}

/** An item never finished by the stream, closed at `completed` with what streamed. */
function rebuilt(slot: Slot): WireItem {
  const item: { [key: string]: unknown } = { ...slot.announced };
  if (typeof item['status'] === 'string') item['status'] = 'completed';
  const of = (family: Family): Part[] =>
    slot.parts.filter((part) => part.family === family).sort((a, b) => a.index - b.index);
  switch (slot.type) {
    case 'message':
      item['content'] = of('content').map((part) => filledPart(part.partType, part.text));
      break;
    case 'reasoning':
      item['summary'] = of('summary').map((part) => ({ type: 'summary_text', text: part.text }));
      if (of('reasoning').length > 0) {
        item['content'] = of('reasoning').map((part) => ({ type: 'reasoning_text', text: part.text }));
      }
      break;
    case 'shell_call_output':
      item['output'] = of('output').map((part) => ({ stdout: part.text, stderr: part.stderr }));
      break;
    default:
      if (inputsOf(item) !== undefined)
        setInputs(
          item,
          of('input').map((part) => part.text),
        );
      if (slot.callId !== undefined && item['call_id'] === undefined) item['call_id'] = slot.callId;
  }
  return item as WireItem;
}

function defaultPartType(family: Family): string {
  return family === 'content'
    ? 'output_text'
    : family === 'summary'
      ? 'summary_text'
      : family === 'reasoning'
        ? 'reasoning_text'
        : 'input';
}

function emptyPart(partType: string): Record<string, unknown> {
  if (partType === 'output_text') return { type: 'output_text', text: '', annotations: [] };
  if (partType === 'refusal') return { type: 'refusal', refusal: '' };
  return { type: partType };
}

function filledPart(partType: string, text: string): Record<string, unknown> {
  if (partType === 'output_text') return { type: 'output_text', text, annotations: [] };
  if (partType === 'refusal') return { type: 'refusal', refusal: text };
  return { type: partType };
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function toWireUsage(usage: Usage): Record<string, unknown> {
  return {
    input_tokens: usage.inputTokens,
    input_tokens_details: { cached_tokens: usage.cachedInputTokens },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningOutputTokens },
    total_tokens: usage.totalTokens,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function arrayOf(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.map((part) => (isObject(part) ? part : {})) : [];
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function defaultIdGenerator(): (prefix: string) => string {
  const tag = Math.random().toString(36).slice(2, 10).padEnd(8, '0');
  let count = 0;
  return (prefix) => `${prefix}_rx${tag}${(count++).toString(36)}`;
}
