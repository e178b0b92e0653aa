import { type OperatorFunction, defer, map } from 'rxjs';
import type { NormalizedEvent } from '../events';
import { type StreamState, StreamTracker } from '../streamState';

/** An event paired with the state of its stream after it was recorded. */
export interface TrackedEvent<E extends NormalizedEvent = NormalizedEvent> {
  readonly event: E;
  /**
   * The stream's state, updated in place as events pass (the same object on every emission of one subscription).
   * Read it synchronously; copy what you need to keep.
   */
  readonly state: StreamState;
  /** False when the event is an `outputItemDone` for an item the stream had already delivered (a re-send). */
  readonly first: boolean;
}

/**
 * Tracks which kinds of output really streamed (text deltas, reasoning deltas, tool-input deltas), which items the
 * stream delivered whole (`outputItemDone`, matched by id when both sides have one, else by output index), and what
 * arrived for items never delivered (`outputItemAdded`, deltas, `partDone`). Each event passes on, paired with the
 * state after it. Every subscription gets its own state.
 *
 * ```
 * source:   --c--t--t--i--C--|
 * trackStreamedKinds()
 * result:   --a--b--b--d--e--|
 *           (a = {event: c, state.streamed.text: false}, b = {…, text: true}, d = item i delivered, e = C)
 * ```
 *
 * ## Example
 * ```ts
 * import { trackStreamedKinds } from 'responses-rx';
 *
 * normalized$.pipe(trackStreamedKinds()).subscribe(({ event, state }) => {
 *   if (event.type === 'completed' && !state.streamed.reasoning) console.log('reasoning never streamed');
 * });
 * ```
 *
 * @returns an operator pairing each event with its stream's state.
 * @see fallbackFromCompleted, which reads the state at `completed`.
 */
export function trackStreamedKinds<E extends NormalizedEvent>(): OperatorFunction<E, TrackedEvent<E>> {
  return (source) =>
    defer(() => {
      const state = new StreamTracker();
      return source.pipe(map((event): TrackedEvent<E> => ({ event, state, first: state.observe(event) })));
    });
}
