/**
 * The normalized events: what consumers of `responseEvents` and `streamResponse` receive, whichever subset of wire
 * events a provider sent. A union discriminated on `type`.
 *
 * @module
 */
import type { WireItem, WireResponse } from './wire/schemas';

/** Token counts of a completed response; missing details read as 0. */
export interface Usage {
  readonly inputTokens: number;
  readonly cachedInputTokens: number;
  readonly outputTokens: number;
  readonly reasoningOutputTokens: number;
  readonly totalTokens: number;
}

/**
 * What every event a stream sent carries: its place in the stream. Events the fallback recovers were never sent, so
 * they have none.
 */
export interface SequencedEvent {
  /**
   * The wire event's `sequence_number`, when the server sent one: the cursor to resume a background response after
   * it (`GET /v1/responses/{id}?stream=true&starting_after=<sequenceNumber>`). Source: the Responses API streaming
   * events reference (every event has `sequence_number`).
   */
  readonly sequenceNumber?: number | undefined;
}

/** A response started (`response.created`). */
export interface CreatedEvent extends SequencedEvent {
  readonly type: 'created';
  readonly responseId?: string | undefined;
}

/**
 * A background response is waiting for capacity (`response.queued`, status `queued`); `created` came before it, and
 * output follows once it runs.
 */
export interface QueuedEvent extends SequencedEvent {
  readonly type: 'queued';
  readonly responseId?: string | undefined;
}

/** An output item was announced (`response.output_item.added`); its content follows as deltas. */
export interface OutputItemAddedEvent extends SequencedEvent {
  readonly type: 'outputItemAdded';
  readonly item: WireItem;
  readonly outputIndex?: number | undefined;
}

/**
 * An output item is final. `recovered` is false when the stream delivered it (`response.output_item.done`) and true
 * when the fallback recovered it from `response.completed` (or rebuilt it from deltas and `*.done` events).
 */
export interface OutputItemDoneEvent extends SequencedEvent {
  readonly type: 'outputItemDone';
  readonly item: WireItem;
  readonly outputIndex?: number | undefined;
  readonly recovered: boolean;
}

/** A piece of the assistant's answer text (`response.output_text.delta`). */
export interface OutputTextDeltaEvent extends SequencedEvent {
  readonly type: 'outputTextDelta';
  readonly delta: string;
  readonly itemId?: string | undefined;
  readonly outputIndex?: number | undefined;
  readonly contentIndex?: number | undefined;
}

/** A piece of a reasoning summary (`response.reasoning_summary_text.delta`). */
export interface ReasoningSummaryDeltaEvent extends SequencedEvent {
  readonly type: 'reasoningSummaryDelta';
  readonly delta: string;
  readonly itemId?: string | undefined;
  readonly summaryIndex: number;
  readonly outputIndex?: number | undefined;
}

/** A piece of raw reasoning content (`response.reasoning_text.delta`). */
export interface ReasoningContentDeltaEvent extends SequencedEvent {
  readonly type: 'reasoningContentDelta';
  readonly delta: string;
  readonly itemId?: string | undefined;
  readonly contentIndex: number;
  readonly outputIndex?: number | undefined;
}

/** A new reasoning summary part begins (`response.reasoning_summary_part.added`). */
export interface ReasoningSummaryPartAddedEvent extends SequencedEvent {
  readonly type: 'reasoningSummaryPartAdded';
  readonly itemId?: string | undefined;
  readonly summaryIndex: number;
  readonly outputIndex?: number | undefined;
}

/** A piece of a tool call's input: function-call arguments or custom-tool input. */
export interface ToolCallInputDeltaEvent extends SequencedEvent {
  readonly type: 'toolCallInputDelta';
  readonly delta: string;
  readonly itemId?: string | undefined;
  readonly callId?: string | undefined;
  readonly outputIndex?: number | undefined;
}

/** The response completed (`response.completed`): always the last event of a successful stream, exactly once. */
export interface CompletedEvent extends SequencedEvent {
  readonly type: 'completed';
  readonly responseId?: string | undefined;
  readonly usage?: Usage | undefined;
  /** The final response object as received. */
  readonly response: WireResponse;
}

/** Every normalized event a consumer can receive. */
export type ResponseEvent =
  | CreatedEvent
  | QueuedEvent
  | OutputItemAddedEvent
  | OutputItemDoneEvent
  | OutputTextDeltaEvent
  | ReasoningSummaryDeltaEvent
  | ReasoningContentDeltaEvent
  | ReasoningSummaryPartAddedEvent
  | ToolCallInputDeltaEvent
  | CompletedEvent;

/** The `type` of a {@link ResponseEvent}. */
export type ResponseEventType = ResponseEvent['type'];

/** Which part of an item a {@link PartDoneEvent} finished. */
export type PartKind = 'outputText' | 'contentPart' | 'reasoningSummary' | 'reasoningContent' | 'toolCallInput';

/**
 * The whole text of one part, sent when the part finished (`response.output_text.done`, `response.content_part.done`,
 * `response.reasoning_summary_text.done`, `response.reasoning_text.done`, `response.function_call_arguments.done`,
 * `response.custom_tool_call_input.done`).
 *
 * Only the stages between normalization and `fallbackFromCompleted` see these: they are the evidence the fallback
 * uses to rebuild an item the provider never delivered whole. `fallbackFromCompleted` consumes them, so consumers of
 * `responseEvents` never receive them (the same text would otherwise arrive twice).
 */
export interface PartDoneEvent extends SequencedEvent {
  readonly type: 'partDone';
  readonly part: PartKind;
  readonly text: string;
  readonly itemId?: string | undefined;
  readonly outputIndex?: number | undefined;
  /** `content_index` or `summary_index` of the part. */
  readonly index: number;
  /** For `contentPart`: the part's own `type` (`output_text`, `reasoning_text`, …); for `toolCallInput`: the item type. */
  readonly partType?: string | undefined;
}

/** What normalization emits: the consumer events plus the {@link PartDoneEvent} evidence. */
export type NormalizedEvent = ResponseEvent | PartDoneEvent;
