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

/**
 * A citation or file path attached to the answer (`url_citation`, `file_citation`, `container_file_citation`,
 * `file_path`), as received: `start_index` / `end_index` are character offsets into the part's text.
 */
export interface Citation {
  readonly type: string;
  readonly url?: string;
  readonly title?: string;
  readonly start_index?: number;
  readonly end_index?: number;
  readonly file_id?: string;
  readonly filename?: string;
  readonly [key: string]: unknown;
}

/** The assistant's answer: one message item. */
export interface AnswerCell extends CellBase {
  readonly kind: 'answer';
  /** The text so far: its streamed deltas, or the final item's `output_text` parts. */
  readonly text: string;
  /** True when the message also carried a `refusal` part (a message with only a refusal is a {@link RefusalCell}). */
  readonly refusal: boolean;
  /** The answer's citations and file paths, live (`output_text.annotation.added`) or from the final item. */
  readonly citations: readonly Citation[];
  /** The message's `phase` (`commentary`, `final_answer`), when the server sent one. */
  readonly phase: string | undefined;
}

/** The model declined: a message whose content is a `refusal` part, streamed live (`refusal.delta`) or whole. */
export interface RefusalCell extends CellBase {
  readonly kind: 'refusal';
  readonly text: string;
}

/** One reasoning item: its summary (or raw reasoning content), parts separated by a blank line. */
export interface ReasoningCell extends CellBase {
  readonly kind: 'reasoning';
  readonly text: string;
}

/** A source a tool read: a web page (`url`, `title`) or a file search result (`filename`, `score`, `text`). */
export interface ToolSource {
  readonly url?: string;
  readonly title?: string;
  readonly filename?: string;
  readonly fileId?: string;
  readonly score?: number;
  readonly text?: string;
}

/** An image a tool made: base64 in `outputFormat`; `partial` while only a partial image arrived. */
export interface ToolImage {
  readonly b64: string;
  readonly partial: boolean;
  /** `"1024x1024"`, … when the server said. */
  readonly size: string | undefined;
  readonly outputFormat: string | undefined;
}

/**
 * A tool call of any kind — `function_call`, `custom_tool_call`, and the hosted ones (`web_search_call`,
 * `file_search_call`, `code_interpreter_call`, `image_generation_call`, `mcp_call`, `mcp_list_tools`, `shell_call`,
 * `local_shell_call`, `apply_patch_call`, `computer_call`, `tool_search_call`, `program`) — with its live input, its
 * progress and its result. A `*_output` item (`function_call_output`, `shell_call_output`, …) fills the cell of the
 * call with the same `call_id`.
 */
export interface ToolCallCell extends CellBase {
  readonly kind: 'toolCall';
  /** The item `type`: `function_call`, `custom_tool_call`, `mcp_call`, … */
  readonly itemType: string;
  /** The tool's name (the item type when the item names none, or before the final item arrives). */
  readonly name: string;
  /**
   * The input so far, as sent: arguments, custom-tool input, code, shell commands (one per line), an apply_patch
   * diff, a search query.
   */
  readonly arguments: string;
  readonly callId: string | undefined;
  /**
   * Where the call stands: the latest progress event (`in_progress`, `searching`, `interpreting`, `generating`,
   * `completed`, `failed`) or the item's `status`; `failed` also when an MCP call carries an `error`.
   */
  readonly toolStatus: string | undefined;
  /** The result as text: code-interpreter logs, MCP output, shell stdout (live), a `*_output` item's output. */
  readonly output: string | undefined;
  /** What went wrong: an MCP call's or tool listing's `error`, a shell command's stderr with a non-zero exit. */
  readonly error: string | undefined;
  /** Web search sources or file search results. */
  readonly sources: readonly ToolSource[];
  /** The generated image (partial images while it generates). */
  readonly image: ToolImage | undefined;
  /** The MCP server the call went to. */
  readonly serverLabel: string | undefined;
}

/**
 * The model asks before it runs an MCP tool (`mcp_approval_request`). Answer with an input item
 * `{ type: 'mcp_approval_response', approval_request_id: cell.approvalRequestId, approve: true | false }` in the
 * next request.
 */
export interface ApprovalRequestCell extends CellBase {
  readonly kind: 'approvalRequest';
  /** The request's item id: what `approval_request_id` of the answer names. */
  readonly approvalRequestId: string;
  readonly serverLabel: string;
  /** The tool that would run. */
  readonly name: string;
  /** Its arguments, as JSON text. */
  readonly arguments: string;
}

/** One block of a transcript. */
export type TranscriptCell = AnswerCell | RefusalCell | ReasoningCell | ToolCallCell | ApprovalRequestCell;

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

/**
 * A cell changed in what is not its text: a tool's status, input-independent result, image or sources, or an
 * answer's citations. `cell` is the new cell.
 */
export interface CellChangedUpdate extends UpdateBase {
  readonly type: 'cellChanged';
  readonly cell: TranscriptCell;
  readonly index: number;
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
  | CellChangedUpdate
  | CellFinalizedUpdate
  | TurnCompletedUpdate
  | TranscriptErrorUpdate;

/** The `type` of a {@link TranscriptUpdate}. */
export type TranscriptUpdateType = TranscriptUpdate['type'];
