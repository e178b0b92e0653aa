import { Observable, type OperatorFunction } from 'rxjs';
import type { ResponseEvent } from '../events';
import { EMPTY_TRANSCRIPT, type Transcript, type TranscriptUpdate } from './transcript';
import { TranscriptBuilder } from './transcriptBuilder';
import { subscribeWithin } from '../util/subscribeWithin';

/** Options of {@link toTranscript}. */
export interface ToTranscriptOptions {
  /**
   * The transcript to continue, e.g. the last `transcript` of the previous request's stream, so a chat keeps its
   * earlier turns when each response is a separate Observable. Its cells stay as they are; the next response is the
   * next turn.
   * @defaultValue EMPTY_TRANSCRIPT
   */
  readonly initial?: Transcript;
  /**
   * What happens after a source error was reported by an `error` update: `'rethrow'` fails the output with the same
   * error (so `retry`, `catchError` and `lastValueFrom` see it); `'complete'` completes instead (a UI that only
   * renders updates and reads the error from them).
   * @defaultValue 'rethrow'
   */
  readonly onError?: 'rethrow' | 'complete';
}

/**
 * Turns normalized response events into a chat transcript: every answer and every reasoning block shown once, live
 * while it streams and whole when it does not. Emits one {@link TranscriptUpdate} per change, each with an immutable
 * snapshot of the whole {@link Transcript} (unchanged cells are shared, so UIs can compare by reference).
 *
 * The rules:
 * - Answer text deltas stream into a live `answer` cell; the final message item then closes that cell and is not
 *   shown again. A final message nothing streamed for is shown whole, as its own (already final) cell.
 * - Within one response a final item is shown at most once: a re-sent or recovered copy (matched by item id, else
 *   output index, else identical text) adds nothing, and a final message whose content is empty never wipes text
 *   that streamed (nor adds an empty cell). Whitespace is text: a whitespace-only answer or reasoning block is shown
 *   as sent, whether it streamed or came only as a final item.
 * - Reasoning summary or raw-content deltas stream into a `reasoning` cell (parts separated by a blank line); a final
 *   reasoning item nothing streamed for is shown whole from its summary, or its content when the summary is empty.
 *   Each reasoning item is its own cell.
 * - Tool calls of every kind are `toolCall` cells: live input, `toolStatus` from progress events, and the result
 *   (`output`, `error`, `sources`, `image`) from the item; a `*_output` item fills its call's cell (same `call_id`),
 *   even once final. Non-text changes are `cellChanged` updates.
 * - Answer cells carry `citations` (live and final) and `phase`; a message that only refuses is a `refusal` cell,
 *   streamed live; an `mcp_approval_request` is an `approvalRequest` cell.
 * - `created` starts a new turn: cells still streaming become final, matching and the once-only guard reset.
 *   Events before any `created` start a turn implicitly — unless the `initial` transcript's turn is unfinished
 *   (`streaming` or `errored`): then they continue it (a stream resumed by `retrieveResponseEvents` after a drop has
 *   no `created`), and its cells the drop left unfinished take the rest of their text.
 * - `completed` makes every cell of the turn final and reports `turnCompleted` with the usage.
 * - A source error makes the streaming cells final, then emits one `error` update carrying the error (also in
 *   `transcript.error`), then — by default — errors with the same error: the UI gets both the final state and the
 *   reason, and the error still reaches `retry` / `catchError`. Pass `onError: 'complete'` to complete instead.
 * - When the source completes, cells still streaming become final.
 *
 * Cells appear in arrival order (an item recovered at `completed` comes after the ones that streamed); each carries
 * its `outputIndex` for UIs that prefer output order. A delta costs one new cell (its text grows by concatenation)
 * and a copy of the array of cell references; every other cell is shared with the previous snapshot.
 *
 * ```
 * events:   --c--r--r--R--t--t--M--C--|
 * toTranscript()
 * updates:  --s--a--d--f--a--d--f--D--|
 *
 * events:   --c--t--#                     (final-only provider: --c--M--C--|  gives  --s--a--D--|, a already final)
 * toTranscript()
 * updates:  --s--a--(fe#)                 (f = the answer cell made final, e = error update, # = the same error)
 * ```
 * (c = created, r/t = reasoning/text deltas, R/M = final reasoning/message items, C = completed; s = turnStarted,
 * a = cellAdded, d = cellDelta, f = cellFinalized, D = turnCompleted, e = error.)
 *
 * ## Example
 * ```ts
 * import { responseEvents } from 'responses-rx';
 * import { toTranscript } from 'responses-rx/transcript';
 *
 * responseEvents(response)
 *   .pipe(toTranscript())
 *   .subscribe((update) => {
 *     if (update.type === 'cellDelta') process.stdout.write(update.delta);
 *     store.set(update.transcript); // or render the latest snapshot
 *   });
 * ```
 *
 * @param options the transcript to continue, and what to do after reporting an error.
 * @returns an operator from normalized events to transcript updates.
 * @throws TypeError at call time for invalid options.
 * @see renderTranscript to draw the updates in a terminal.
 */
export function toTranscript(options: ToTranscriptOptions = {}): OperatorFunction<ResponseEvent, TranscriptUpdate> {
  const onError = options.onError ?? 'rethrow';
  if (onError !== 'rethrow' && onError !== 'complete') {
    throw new TypeError(`toTranscript: onError must be 'rethrow' or 'complete', got ${String(onError)}`);
  }
  const initial = options.initial ?? EMPTY_TRANSCRIPT;
  if (
    typeof initial !== 'object' ||
    initial === null ||
    !Array.isArray(initial.cells) ||
    typeof initial.turn !== 'number'
  ) {
    throw new TypeError("toTranscript: initial must be a Transcript (an update's `transcript`, or EMPTY_TRANSCRIPT)");
  }
  return (source) =>
    new Observable<TranscriptUpdate>((subscriber) => {
      const builder = new TranscriptBuilder(initial);
      const emit = (updates: readonly TranscriptUpdate[]): void => {
        for (const update of updates) {
          if (subscriber.closed) return;
          subscriber.next(update);
        }
      };
      subscribeWithin(subscriber, source, {
        next: (event) => {
          let updates: TranscriptUpdate[];
          try {
            updates = builder.apply(event);
          } catch (error) {
            subscriber.error(error);
            return;
          }
          emit(updates);
        },
        error: (error: unknown) => {
          emit(builder.fail(error));
          if (onError === 'complete') subscriber.complete();
          else subscriber.error(error);
        },
        complete: () => {
          emit(builder.end());
          subscriber.complete();
        },
      });
    });
}
