import { Observable, type OperatorFunction, type Subscriber } from 'rxjs';
import type { NormalizedEvent, ResponseEvent } from '../events';
import { type FallbackPolicy, type RecoveryCandidate, byOutputIndex } from '../policies/fallbackPolicy';
import { recoverMissing } from '../policies/recoverMissing';
import { ItemLedger } from '../items/identity';
import { subscribeWithin } from '../util/subscribeWithin';
import { type StreamState, StreamTracker } from '../streamState';
import type { TrackedEvent } from './trackStreamedKinds';

/**
 * At `completed`, recovers what did not stream: asks `policy` which items to emit, emits them as `outputItemDone`
 * with `recovered: true` in output order, then the `completed` event. Whatever the policy returns, an item the stream
 * already delivered is never emitted again, nor the same item twice; an `outputItemDone` the stream re-sends is
 * delivered once. `partDone` evidence is consumed here and not passed on.
 *
 * ```
 * source:   --c--a-------C--|        (final-only: no deltas, C.response.output = [m])
 * fallbackFromCompleted(recoverMissing)
 * result:   --c--a-------(mC)|       (m = outputItemDone {item: m, recovered: true})
 * ```
 *
 * ## Example
 * ```ts
 * import { fallbackFromCompleted, recoverByStreamedKinds, trackStreamedKinds } from 'responses-rx';
 *
 * normalized$.pipe(trackStreamedKinds(), fallbackFromCompleted(recoverByStreamedKinds));
 * ```
 *
 * @param policy which items to recover; defaults to {@link recoverMissing}.
 * @returns an operator from tracked events to consumer events.
 * @see trackStreamedKinds, which supplies the state.
 */
export function fallbackFromCompleted(
  policy: FallbackPolicy = recoverMissing,
): OperatorFunction<TrackedEvent<NormalizedEvent>, ResponseEvent> {
  checkPolicy(policy, 'fallbackFromCompleted');
  return (source) =>
    new Observable<ResponseEvent>((subscriber) =>
      subscribeWithin(subscriber, source, {
        next: ({ event, state, first }) => passOrRecover(subscriber, policy, event, state, first),
      }),
    );
}

/**
 * Throws the `TypeError` of a policy that is not a function (when the operator is created, not when data flows).
 *
 * @internal
 */
export function checkPolicy(policy: unknown, operator: string): void {
  if (typeof policy !== 'function') {
    throw new TypeError(`${operator}: policy must be a function (state, response) => candidates, got ${typeof policy}`);
  }
}

/**
 * What {@link fallbackFromCompleted} does with one tracked event: drops `partDone` evidence and re-sent items, passes
 * the rest on, and at `completed` emits the recovered items in output order, then `completed`. Shared with
 * `deliverExactlyOnce`, which runs it without the tracked-event wrapper.
 *
 * @internal
 */
export function passOrRecover(
  subscriber: Subscriber<ResponseEvent>,
  policy: FallbackPolicy,
  event: NormalizedEvent,
  state: StreamState,
  first: boolean,
): void {
  if (event.type === 'partDone') return;
  if (event.type === 'outputItemDone' && !first) return;
  if (event.type !== 'completed') {
    subscriber.next(event);
    return;
  }
  // What the policy throws goes up to the caller's subscribeWithin, which sends it to error().
  const candidates: readonly RecoveryCandidate[] = policy(state, event.response);
  if (!Array.isArray(candidates)) {
    throw new TypeError(
      `fallbackFromCompleted: the policy must return an array of candidates, got ${typeof candidates}`,
    );
  }
  // The same matching rule as the tracker's: an item the stream delivered, or one emitted here already (the same id,
  // call_id or content), is never emitted again.
  let emitted: ItemLedger | undefined; // most streams recover nothing: no ledger for them
  const tracker = state instanceof StreamTracker ? state : undefined;
  for (const { item, outputIndex } of candidates.length > 1 ? [...candidates].sort(byOutputIndex) : candidates) {
    // Our own tracker knows the fingerprints of the output it paired: each item's content is computed once.
    const content = tracker?.contentOf(item, outputIndex);
    const delivered =
      tracker !== undefined && content !== undefined
        ? tracker.isDeliveredAs(item, outputIndex, content)
        : state.isDelivered(item, outputIndex);
    if (delivered) continue;
    if (!(emitted ??= new ItemLedger()).done(item, outputIndex, { recovered: true, content }).first) continue;
    subscriber.next({ type: 'outputItemDone', item, outputIndex, recovered: true });
    if (subscriber.closed) return;
  }
  subscriber.next(event);
}
