/**
 * The transcript a chat UI renders: a list of cells (answers, reasoning blocks, tool calls), and the updates
 * {@link toTranscript} emits as it changes. Every update carries an immutable snapshot of the whole transcript, so a
 * UI can render from the updates (incrementally) or from the latest state (comparing cells by reference).
 *
 * @module
 */
import type { Usage } from '../events';

/** `streaming` while text may still arrive; `final` once the item is whole (or the turn ended). A final cell never changes. */
export type CellStatus = 'streaming' | 'final';

/** What every cell has. */
export interface CellBase {
  /** A key unique within the transcript, stable for the cell's life: `"<turn>:<n>"`. */
  readonly key: string;
  /** The turn (1 for the first response) the cell belongs to. */
  readonly turn: number;
  readonly status: CellStatus;
  /** The output item's id, when one was seen (the first one, if the provider rotates ids). */
  readonly itemId: string | undefined;
  /** The output item's index in the response, when one was seen. */
  readonly outputIndex: number | undefined;
  /** True when the cell was shown from an item the fallback recovered from `response.completed`. */
  readonly recovered: boolean;
}

/** The assistant's answer: one message item. */
export interface AnswerCell extends CellBase {
  readonly kind: 'answer';
  /** The text so far: its streamed deltas, or the final item's `output_text` (and `refusal`) parts. */
  readonly text: string;
  /** True when the final item carried a `refusal` part. */
  readonly refusal: boolean;
}

/** One reasoning item: its summary (or raw reasoning content), parts separated by a blank line. */
export interface ReasoningCell extends CellBase {
  readonly kind: 'reasoning';
  readonly text: string;
}

/** A tool call (`function_call`, `custom_tool_call`, or another `*_call` item), shown as one line. */
export interface ToolCallCell extends CellBase {
  readonly kind: 'toolCall';
  /** The item `type`: `function_call`, `custom_tool_call`, `mcp_call`, … */
  readonly itemType: string;
  /** The tool's name (the item type when the item names none, or before the final item arrives). */
  readonly name: string;
  /** The arguments (function calls) or input (custom tools) so far, as sent. */
  readonly arguments: string;
  readonly callId: string | undefined;
}

/** One block of a transcript. */
export type TranscriptCell = AnswerCell | ReasoningCell | ToolCallCell;

/** The kind of a {@link TranscriptCell}. */
export type CellKind = TranscriptCell['kind'];

/** Where the transcript stands. */
export type TranscriptStatus = 'idle' | 'streaming' | 'completed' | 'errored';

/** The whole transcript: every cell of every turn so far, in the order they appeared. */
export interface Transcript {
  readonly cells: readonly TranscriptCell[];
  /** The current turn: 0 before the first response, then 1, 2, … */
  readonly turn: number;
  /** The current response's id, when known. */
  readonly responseId: string | undefined;
  readonly status: TranscriptStatus;
  /** The error that ended the stream, when `status` is `errored`. */
  readonly error: unknown;
  /** The usage of the current turn, once it completed. */
  readonly usage: Usage | undefined;
}

/** The transcript before anything arrived. */
export const EMPTY_TRANSCRIPT: Transcript = Object.freeze({
  cells: Object.freeze([]) as readonly TranscriptCell[],
  turn: 0,
  responseId: undefined,
  status: 'idle',
  error: undefined,
  usage: undefined,
});

interface UpdateBase {
  /** The whole transcript after this update (a new object; unchanged cells are shared with the previous snapshot). */
  readonly transcript: Transcript;
}

/** A response began (`created`, or the first event of a stream without one). Earlier cells are all final. */
export interface TurnStartedUpdate extends UpdateBase {
  readonly type: 'turnStarted';
  readonly turn: number;
  readonly responseId: string | undefined;
}

/**
 * A cell appeared at `transcript.cells[index]`. A streamed cell arrives `streaming`, holding its first delta; a cell
 * shown whole (a final item nothing streamed for) arrives already `final` and gets no {@link CellFinalizedUpdate}.
 */
export interface CellAddedUpdate extends UpdateBase {
  readonly type: 'cellAdded';
  readonly cell: TranscriptCell;
  readonly index: number;
}

/** Text was appended to a streaming cell: `delta` is exactly the new characters (a blank line between reasoning parts included). */
export interface CellDeltaUpdate extends UpdateBase {
  readonly type: 'cellDelta';
  readonly cell: TranscriptCell;
  readonly index: number;
  readonly delta: string;
}

/** A streaming cell became final: its final item arrived, its turn completed or failed, or a new turn began. */
export interface CellFinalizedUpdate extends UpdateBase {
  readonly type: 'cellFinalized';
  readonly cell: TranscriptCell;
  readonly index: number;
}

/** The response completed (`completed`); every cell of the turn is final. */
export interface TurnCompletedUpdate extends UpdateBase {
  readonly type: 'turnCompleted';
  readonly turn: number;
  readonly responseId: string | undefined;
  readonly usage: Usage | undefined;
}

/** The stream failed; every cell is final and `error` is the typed error (also `transcript.error`). Emitted once, last. */
export interface TranscriptErrorUpdate extends UpdateBase {
  readonly type: 'error';
  readonly turn: number;
  readonly error: unknown;
}

/** What {@link toTranscript} emits, discriminated on `type`. */
export type TranscriptUpdate =
  | TurnStartedUpdate
  | CellAddedUpdate
  | CellDeltaUpdate
  | CellFinalizedUpdate
  | TurnCompletedUpdate
  | TranscriptErrorUpdate;

/** The `type` of a {@link TranscriptUpdate}. */
export type TranscriptUpdateType = TranscriptUpdate['type'];
