import { Observable, type OperatorFunction } from 'rxjs';
import { MalformedEventError } from '../errors';
import type { SseMessage } from '../sse/fromSSE';
import { subscribeWithin } from '../util/subscribeWithin';
import { parseRawWireEvent, validateWireEvent } from '../wire/parseWireEvent';
import type { UnknownWireEvent, WireEvent } from '../wire/schemas';

/** A jump in `sequence_number`: events between `expected` and `received` never arrived. */
export interface SequenceGap {
  /** The number that should have come next. */
  readonly expected: number;
  /** The number that came instead. */
  readonly received: number;
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
   * Called when `sequence_number` skips ahead. The event itself is still delivered: a gap is reported, never hidden.
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
 * an unknown type produce nothing, or an {@link UnknownWireEvent} with `unknownEvent: 'emit'`. An event whose `sequence_number` is at or below the last one seen is a replay and is dropped; a jump ahead
 * is reported to `onSequenceGap`. Streams without sequence numbers pass as they are. A last event cut short by the
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
  const onMalformed = options.onMalformed ?? 'error';
  if (onMalformed !== 'error' && onMalformed !== 'skip') {
    throw new TypeError(`toWireEvents: onMalformed must be 'error' or 'skip', got ${String(onMalformed)}`);
  }
  const unknownEvent = options.unknownEvent ?? 'ignore';
  if (unknownEvent !== 'ignore' && unknownEvent !== 'emit') {
    throw new TypeError(`toWireEvents: unknownEvent must be 'ignore' or 'emit', got ${String(unknownEvent)}`);
  }
  const emitUnknown = unknownEvent === 'emit';
  const onSequenceGap = options.onSequenceGap;
  if (onSequenceGap !== undefined && typeof onSequenceGap !== 'function') {
    throw new TypeError('toWireEvents: onSequenceGap must be a function');
  }
  return (source) =>
    new Observable<WireEvent | UnknownWireEvent>((subscriber) => {
      let lastSequence: number | undefined;
      subscribeWithin(subscriber, source, {
        next: (message) => {
          if (message.type !== 'event') return;
          let event: WireEvent | UnknownWireEvent | undefined;
          try {
            const raw = parseRawWireEvent(message.data);
            if (raw === undefined) return;
            const sequence = raw.sequence_number;
            if (typeof sequence === 'number') {
              if (lastSequence !== undefined) {
                if (sequence <= lastSequence) return;
                if (sequence > lastSequence + 1) onSequenceGap?.({ expected: lastSequence + 1, received: sequence });
              }
              lastSequence = sequence;
            }
            event = validateWireEvent(raw, message.data);
            if (event === undefined && emitUnknown)
              event = {
                type: 'unknown',
                wireType: raw.type,
                event: raw,
                ...(typeof sequence === 'number' ? { sequence_number: sequence } : {}),
              };
          } catch (error) {
            if (error instanceof MalformedEventError && onMalformed === 'skip') return;
            subscriber.error(error);
            return;
          }
          if (event !== undefined) subscriber.next(event);
        },
      });
    });
}
