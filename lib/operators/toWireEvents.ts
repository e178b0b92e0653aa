import { Observable, type OperatorFunction } from 'rxjs';
import { MalformedEventError } from '../errors';
import type { SseEventMessage, SseMessage } from '../sse/fromSSE';
import { subscribeWithin } from '../util/subscribeWithin';
import { type RawWireEvent, checkRawWireEvent, parseRawWireEvent, validateWireEvent } from '../wire/parseWireEvent';
import type { UnknownWireEvent, WireEvent } from '../wire/schemas';

/** A jump in `sequence_number`: events between `expected` and `received` never arrived. */
export interface SequenceGap {
  /** The number that should have come next. */
  readonly expected: number;
  /** The number that came instead. */
  readonly received: number;
}

/**
 * Something odd about `sequence_number`, reported to {@link ToWireEventsOptions.onSequenceAnomaly}:
 * - `gap`: the number skipped ahead; the events between never arrived. The event is delivered.
 * - `repeat`: the number is at or below the last one seen, but the event is new (a filter that re-split deltas under
 *   one number, an event that arrived late). The event is delivered: an event is a replay only if it repeats one.
 * - `replay`: the event repeats an earlier event (same number, same data: a reconnecting proxy; see
 *   {@link toWireEvents} for how far back the data is compared whole). Dropped.
 */
export interface SequenceAnomaly extends SequenceGap {
  readonly kind: 'gap' | 'repeat' | 'replay';
}

/**
 * How many numbers before the last one seen are remembered to tell a replay from a new event under a repeated
 * number: older numbers are replays without a look (a reconnect replaying from the start). A power of two: a number's
 * slot is its low bits.
 */
const REPLAY_WINDOW = 256;
const SLOT_MASK = REPLAY_WINDOW - 1;
/** The most events whose digests wait for the end of their chunk (a chunk of a source given whole can hold many). */
const MAX_WAITING = 256;
/**
 * The most waiting events whose list is kept for the next chunk (a 16 KiB chunk of deltas holds about 60): the list of
 * a bigger chunk is given back, so that a live stream does not keep up to 6 KB of empty slots.
 */
const KEPT_WAITING = 64;

/**
 * The events of the replay window: the number remembered last with its events' data whole (several when a number
 * repeats), compared exactly, as a filter that re-splits deltas repeats the latest number in pieces that may differ in
 * a few characters; the {@link REPLAY_WINDOW} numbers before with a digest of their data ({@link digestOf}). Holding the
 * data of 256 events kept the whole text of a small stream alive while it ran, long enough to survive young-generation
 * collections: with 1,000 streams at once, a third of the peak memory per stream (`bench/many.ts`).
 *
 * Every event passes here, and in the common case (each number higher than the last) none is ever compared. So
 * `responseEvents` defers the digests of a chunk's events to the end of the chunk ({@link RecentEvents.settle}), or
 * to the first repeated number, whichever comes first: they are computed in a loop apart from the parsing, which
 * measured about half their cost per event; and the events waiting hold only the data of the chunk being read, alive
 * anyway (holding events beyond their chunk kept a live stream's text alive: `spec/perf/liveStream.spec.ts`). The
 * digests are small integers in an array filled as numbers come (no fixed-size array to allocate and fill per stream,
 * no boxed numbers); what only a repeated number needs (its further digests and data) is created with the first repeat.
 */
class RecentEvents {
  /** By `sequence & SLOT_MASK`: the digest of the first event seen under the number (which the digest includes). */
  private readonly digests: number[] = [];
  /** By slot, the digests of further events under a number that repeated: created with the first repeat. */
  private repeats: (number[] | undefined)[] | undefined;
  /**
   * The events whose digests wait for {@link settle}, three entries each: number, data, parsed event; the first
   * `waitingLength` entries are in use. The array is kept from chunk to chunk (up to {@link KEPT_WAITING} events) and
   * its entries cleared: truncating it (`length = 0`) after every chunk gave its store back, and each chunk grew a new
   * one push by push: about 2% of the time of a 200 KB stream in 16 KiB chunks.
   */
  private readonly waiting: unknown[] = [];
  private waitingLength = 0;
  /** The number remembered last (`NaN`: none yet), the data of its first event, and of the events that repeated it. */
  private latest = NaN;
  private latestData = '';
  private latestRepeats: string[] | undefined;
  /**
   * The latest number's data holds every event under it: false when a repeat made an older number the latest, whose
   * earlier events have only their digests.
   */
  private latestWhole = true;

  /**
   * @param repeated the number is at or below the highest one seen (a repeat, or a late event): its digest joins
   *   those of its slot instead of replacing them.
   */
  remember(sequence: number, data: string, event: RawWireEvent, repeated: boolean): void {
    if (!repeated) {
      const waiting = this.waiting;
      const length = this.waitingLength;
      waiting[length] = sequence;
      waiting[length + 1] = data;
      waiting[length + 2] = event;
      this.waitingLength = length + 3;
      if (length + 3 >= MAX_WAITING * 3) this.settle();
    } else {
      this.settle();
      const slot = sequence & SLOT_MASK;
      const digest = digestOf(sequence, data, event);
      if (this.digests[slot] === undefined) this.digests[slot] = digest;
      else ((this.repeats ??= [])[slot] ??= []).push(digest);
    }
    if (sequence === this.latest) (this.latestRepeats ??= []).push(data);
    else {
      this.latest = sequence;
      this.latestData = data;
      this.latestRepeats = undefined;
      this.latestWhole = !repeated;
    }
  }

  /** True when `data` under `sequence` repeats an event seen (`last` is the highest number seen). */
  isReplay(sequence: number, data: string, event: RawWireEvent, last: number): boolean {
    if (sequence <= last - REPLAY_WINDOW) return true; // too old to compare: a reconnect replaying from the start
    if (sequence === this.latest) {
      if (data === this.latestData || this.latestRepeats?.includes(data) === true) return true;
      if (this.latestWhole) return false;
    }
    this.settle();
    const slot = sequence & SLOT_MASK;
    const first = this.digests[slot];
    if (first === undefined) return false;
    const digest = digestOf(sequence, data, event);
    return digest === first || this.repeats?.[slot]?.includes(digest) === true;
  }

  /**
   * Digests the events waiting, each the first of its slot (a number higher than the last replaces an older one), and
   * lets go of their data.
   */
  settle(): void {
    const length = this.waitingLength;
    if (length === 0) return;
    const waiting = this.waiting;
    const repeats = this.repeats;
    for (let i = 0; i < length; i += 3) {
      const sequence = waiting[i] as number;
      const slot = sequence & SLOT_MASK;
      this.digests[slot] = digestOf(sequence, waiting[i + 1] as string, waiting[i + 2] as RawWireEvent);
      waiting[i + 1] = undefined;
      waiting[i + 2] = undefined;
      if (repeats !== undefined) repeats[slot] = undefined;
    }
    this.waitingLength = 0;
    if (length > KEPT_WAITING * 3) waiting.length = 0;
  }
}

const FNV_PRIME = 0x01000193;

/**
 * Mixes a short string that differs at its end into a digest: its length and its last 8 characters (where generated
 * ids and counters differ).
 */
function mixTail(hash: number, text: string): number {
  const length = text.length;
  hash = Math.imul(hash ^ length, FNV_PRIME);
  for (let i = length - 1, k = 0; k < 8 && i >= 0; k++, i--) hash = Math.imul(hash ^ text.charCodeAt(i), FNV_PRIME);
  return hash;
}

/**
 * Mixes a delta's `obfuscation` padding into a digest: its length and its last 4 characters, two to a multiplication
 * (random letters and digits: two paddings of one length agree there once in 14 million). Eight characters in a loop,
 * as {@link mixTail} mixes, were about 1.5% of the time of a 200 KB stream in 16 KiB chunks.
 */
function mixPadding(hash: number, text: string): number {
  const length = text.length;
  if (length < 4) return mixTail(hash, text);
  hash = Math.imul(hash ^ length, FNV_PRIME);
  hash = Math.imul(hash ^ (text.charCodeAt(length - 1) | (text.charCodeAt(length - 2) << 16)), FNV_PRIME);
  return Math.imul(hash ^ (text.charCodeAt(length - 3) | (text.charCodeAt(length - 4) << 16)), FNV_PRIME);
}

/**
 * Mixes a delta's text into a digest: whole up to 256 characters (every delta a model streams), else its length, its
 * first and last 64 characters and 64 along the rest.
 */
function mixText(hash: number, text: string): number {
  const length = text.length;
  hash = Math.imul(hash ^ length, FNV_PRIME);
  if (length <= 256) {
    for (let i = 0; i < length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), FNV_PRIME);
    return hash;
  }
  const step = length >>> 6;
  for (let i = 0; i < 64; i++) {
    hash = Math.imul(hash ^ text.charCodeAt(i), FNV_PRIME);
    hash = Math.imul(hash ^ text.charCodeAt(length - 1 - i), FNV_PRIME);
    hash = Math.imul(hash ^ text.charCodeAt(i * step), FNV_PRIME);
  }
  return hash;
}

/**
 * A 32-bit digest of an event, O(1) per event: its number; its data's length; the parsed fields that make an event its
 * own — the `delta` text (whole up to 256 characters), the item's id (`item_id`, else `item.id`: length and last 8
 * characters), `output_index` and `content_index` (else `summary_index`), and a delta's `obfuscation` padding (length
 * and last 4 characters: OpenAI pads each delta with random characters, so two sends of one text differ there and
 * only there); and eight characters sampled along the data, for every event but a plain delta (one of at most 256
 * characters without `logprobs`, whose data holds nothing else that differs: its type is in the length). A gateway
 * that numbers each item from 0 sends new deltas under old numbers with data of the same length that differ only in
 * the text, or only in the padding; sampled characters alone took those for replays and dropped them. Most events are
 * plain deltas, and the samples were about 40% of their digest's cost. Two events get one digest only when all of
 * these agree (or by a 32-bit collision), which a new event under a repeated number does not do: it is another item,
 * index, text or padding. The type is not read: it is in the data's length (and samples), and events of two types
 * under one number with all of the above equal are not the case this guards. About 40 ns per event, a twentieth of
 * its `JSON.parse`; digesting the whole data would cost about a fifth.
 */
function digestOf(sequence: number, data: string, event: RawWireEvent): number {
  const length = data.length;
  let hash = Math.imul(Math.imul(sequence, 0x9e3779b1) ^ length, FNV_PRIME);
  const delta = event.delta;
  let sample = true;
  if (typeof delta === 'string') {
    hash = mixText(hash, delta);
    const obfuscation = event.obfuscation;
    if (typeof obfuscation === 'string') hash = mixPadding(hash, obfuscation);
    const logprobs = event.logprobs as readonly unknown[] | null | undefined;
    sample = delta.length > 256 || (logprobs != null && logprobs.length !== 0);
  }
  if (sample) {
    const step = length >= 16 ? length >>> 3 : 1;
    for (let k = 0, i = length - 1; k < 8 && i >= 0; k++, i -= step) {
      hash = Math.imul(hash ^ data.charCodeAt(i), FNV_PRIME);
    }
  }
  const itemId = event.item_id;
  if (typeof itemId === 'string') hash = mixTail(hash, itemId);
  else {
    const id = (event.item as { readonly id?: unknown } | null | undefined)?.id;
    if (typeof id === 'string') hash = mixTail(hash, id);
  }
  const part = event.content_index;
  const index = (part === undefined ? event.summary_index : part) as number;
  return Math.imul(hash ^ ((event.output_index as number) | 0) ^ ((index | 0) << 16), FNV_PRIME);
}

/** Options of {@link toWireEvents}. */
export interface ToWireEventsOptions {
  /**
   * What to do with an event that is not valid JSON or lacks a field responses-rx needs: fail the stream with
   * `MalformedEventError`, or drop the event and go on.
   * @defaultValue 'error'
   */
  readonly onMalformed?: 'error' | 'skip';
  /**
   * Called for every gap, repeat or replay of `sequence_number` (see {@link SequenceAnomaly}). Gaps and repeats are
   * delivered, replays dropped: reported, never hidden.
   * @defaultValue none
   */
  readonly onSequenceAnomaly?: (anomaly: SequenceAnomaly) => void;
  /**
   * Called when `sequence_number` skips ahead.
   * @deprecated Use `onSequenceAnomaly`, which also reports repeats and replays; this one is called for gaps only.
   * @defaultValue none
   */
  readonly onSequenceGap?: (gap: SequenceGap) => void;
  /**
   * What to do with an event whose JSON `type` this version does not know (a newer API): `'ignore'` drops it;
   * `'emit'` passes it on unvalidated, wrapped as an {@link UnknownWireEvent}, which `normalizeEvents` turns into an
   * `unknownEvent`, so you can see what a newer API sends without upgrading. Never an error.
   * @defaultValue 'ignore'
   */
  readonly unknownEvent?: 'ignore' | 'emit';
}

/**
 * Parses SSE messages into validated Responses API wire events. Comments and `[DONE]` produce nothing; events of
 * an unknown type produce nothing, or an {@link UnknownWireEvent} with `unknownEvent: 'emit'`. An event that repeats
 * an earlier event (the same `sequence_number` and the same data: compared whole under the number remembered last,
 * by a digest of the fields that make it its own — length, item, indexes, delta text and padding, and characters
 * sampled along the data of any event but a plain delta — under the 256 numbers before, and presumed for any older
 * number) is a replay and is dropped; a new event under a number at or below the last one seen is delivered, and a jump ahead too: each is
 * reported to `onSequenceAnomaly`. Streams without sequence numbers pass as they are. A JSON error object
 * without a `type` is a `ResponseFailedError`, and so is a Chat Completions chunk carrying an `error` once Responses
 * events came (a bridge relaying its upstream's failure). A last event cut short by the
 * end of the source (truncated JSON) is a `MalformedEventError`, as issue 2 specifies (decided by the team; the
 * `unterminated` flag on the message lets a custom stage treat it differently).
 *
 * ```
 * messages:  --c--a--x--b--|       (c = comment, x = invalid JSON)
 * toWireEvents()
 * result:    -----A--#             (# = MalformedEventError)
 * toWireEvents({ onMalformed: 'skip' })
 * result:    -----A-----B--|
 * ```
 *
 * ## Example
 * ```ts
 * import { fromSSE, toWireEvents } from 'responses-rx';
 *
 * fromSSE(response).pipe(toWireEvents({ onMalformed: 'skip' })).subscribe((e) => console.log(e.type));
 * ```
 *
 * @param options what to do with malformed events and sequence gaps.
 * @returns an operator from SSE messages to wire events.
 */
export function toWireEvents(
  options: ToWireEventsOptions = {},
): OperatorFunction<SseMessage, WireEvent | UnknownWireEvent> {
  return readWireEvents(wireEventsConfig(options));
}

/** An SSE message whose data may come parsed already (`json`: what `JSON.parse(data)` returned). @internal */
export type MaybeParsedMessage = SseMessage & { readonly json?: unknown };

/**
 * {@link toWireEvents} with its options checked: one {@link WireEventReader} per subscription. A message that carries
 * `json` (the WebSocket client parses each message once, to route it) is not parsed again.
 *
 * @internal
 */
export function readWireEvents(
  config: WireEventsConfig,
): OperatorFunction<MaybeParsedMessage, WireEvent | UnknownWireEvent> {
  return (source) =>
    new Observable<WireEvent | UnknownWireEvent>((subscriber) => {
      const reader = new WireEventReader(config);
      subscribeWithin(subscriber, source, {
        next: (message) => {
          if (message.type !== 'event') return;
          const event = reader.read(message, message.json);
          reader.endOfChunk();
          if (event !== undefined) subscriber.next(event);
        },
      });
    });
}

/**
 * The options of {@link toWireEvents}, checked (a `TypeError` for a bad one) and with their defaults.
 *
 * @internal
 */
export interface WireEventsConfig {
  readonly skipMalformed: boolean;
  readonly emitUnknown: boolean;
  readonly onSequenceAnomaly: ((anomaly: SequenceAnomaly) => void) | undefined;
  readonly onSequenceGap: ((gap: SequenceGap) => void) | undefined;
}

/**
 * Checks the options of {@link toWireEvents} when the operator is created.
 *
 * @internal
 * @throws TypeError for an invalid option.
 */
export function wireEventsConfig(options: ToWireEventsOptions): WireEventsConfig {
  const onMalformed = options.onMalformed ?? 'error';
  if (onMalformed !== 'error' && onMalformed !== 'skip') {
    throw new TypeError(`toWireEvents: onMalformed must be 'error' or 'skip', got ${String(onMalformed)}`);
  }
  const unknownEvent = options.unknownEvent ?? 'ignore';
  if (unknownEvent !== 'ignore' && unknownEvent !== 'emit') {
    throw new TypeError(`toWireEvents: unknownEvent must be 'ignore' or 'emit', got ${String(unknownEvent)}`);
  }
  const onSequenceGap = options.onSequenceGap;
  if (onSequenceGap !== undefined && typeof onSequenceGap !== 'function') {
    throw new TypeError('toWireEvents: onSequenceGap must be a function');
  }
  const onSequenceAnomaly = options.onSequenceAnomaly;
  if (onSequenceAnomaly !== undefined && typeof onSequenceAnomaly !== 'function') {
    throw new TypeError('toWireEvents: onSequenceAnomaly must be a function');
  }
  return {
    skipMalformed: onMalformed === 'skip',
    emitUnknown: unknownEvent === 'emit',
    onSequenceAnomaly,
    onSequenceGap,
  };
}

/**
 * The state of {@link toWireEvents} for one stream, as an object (its methods are shared by every stream, no closures
 * per stream): the last sequence number and the replay window. `responseEvents` reads each SSE message through it at
 * once, without a subscriber between.
 *
 * @internal
 */
export class WireEventReader {
  private lastSequence: number | undefined;
  private midStream = false;
  private readonly recent = new RecentEvents();

  constructor(private readonly config: WireEventsConfig) {}

  /**
   * One SSE event to its wire event.
   *
   * @returns the wire event, or `undefined` for data to ignore: `[DONE]`, an event of an unknown type (unless
   *   `unknownEvent: 'emit'`), a replay, a malformed event with `onMalformed: 'skip'`.
   * @param json what `JSON.parse(message.data)` returned, when the caller parsed it already; `undefined` (which
   *   `JSON.parse` never returns) to parse it here.
   * @throws what {@link parseRawWireEvent} and {@link validateWireEvent} throw (unless skipped).
   */
  read(message: SseEventMessage, json?: unknown): WireEvent | UnknownWireEvent | undefined {
    try {
      const raw =
        json === undefined
          ? parseRawWireEvent(message.data, this.midStream)
          : checkRawWireEvent(json, message.data, this.midStream);
      if (raw === undefined) return undefined;
      this.midStream = true;
      const sequence = raw.sequence_number;
      if (typeof sequence === 'number' && !this.isNew(sequence, message.data, raw)) return undefined;
      const event = validateWireEvent(raw, message.data);
      if (event !== undefined || !this.config.emitUnknown) return event;
      return {
        type: 'unknown',
        wireType: raw.type,
        event: raw,
        ...(typeof sequence === 'number' ? { sequence_number: sequence } : {}),
      };
    } catch (error) {
      if (error instanceof MalformedEventError && this.config.skipMalformed) return undefined;
      throw error;
    }
  }

  /**
   * The chunk the messages came from was read: the digests of its events are computed now (see `RecentEvents`).
   * Otherwise they wait for the first repeated number, or until 256 events wait.
   */
  endOfChunk(): void {
    this.recent.settle();
  }

  /** Records a sequence number; false for a replay (dropped). Gaps, repeats and replays are reported. */
  private isNew(sequence: number, data: string, event: RawWireEvent): boolean {
    const last = this.lastSequence;
    if (last !== undefined && sequence <= last) {
      if (this.recent.isReplay(sequence, data, event, last)) {
        this.report('replay', last + 1, sequence);
        return false;
      }
      this.report('repeat', last + 1, sequence);
      this.recent.remember(sequence, data, event, true);
    } else {
      if (last !== undefined && sequence > last + 1) this.report('gap', last + 1, sequence);
      this.lastSequence = sequence;
      this.recent.remember(sequence, data, event, false);
    }
    return true;
  }

  private report(kind: SequenceAnomaly['kind'], expected: number, received: number): void {
    this.config.onSequenceAnomaly?.({ kind, expected, received });
    if (kind === 'gap') this.config.onSequenceGap?.({ expected, received });
  }
}
