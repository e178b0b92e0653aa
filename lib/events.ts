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

/** A response started (`response.created`). */
export interface CreatedEvent {
  readonly type: 'created';
  readonly responseId?: string | undefined;
}

/** An output item was announced (`response.output_item.added`); its content follows as deltas. */
export interface OutputItemAddedEvent {
  readonly type: 'outputItemAdded';
  readonly item: WireItem;
  readonly outputIndex?: number | undefined;
}

/**
 * An output item is final. `recovered` is false when the stream delivered it (`response.output_item.done`) and true
 * when the fallback recovered it from `response.completed` (or rebuilt it from deltas and `*.done` events).
 */
export interface OutputItemDoneEvent {
  readonly type: 'outputItemDone';
  readonly item: WireItem;
  readonly outputIndex?: number | undefined;
  readonly recovered: boolean;
}

/** A piece of the assistant's answer text (`response.output_text.delta`). */
export interface OutputTextDeltaEvent {
  readonly type: 'outputTextDelta';
  readonly delta: string;
  readonly itemId?: string | undefined;
  readonly outputIndex?: number | undefined;
  readonly contentIndex?: number | undefined;
}

/** A piece of a reasoning summary (`response.reasoning_summary_text.delta`). */
export interface ReasoningSummaryDeltaEvent {
  readonly type: 'reasoningSummaryDelta';
  readonly delta: string;
  readonly itemId?: string | undefined;
  readonly summaryIndex: number;
  readonly outputIndex?: number | undefined;
}

/** A piece of raw reasoning content (`response.reasoning_text.delta`). */
export interface ReasoningContentDeltaEvent {
  readonly type: 'reasoningContentDelta';
  readonly delta: string;
  readonly itemId?: string | undefined;
  readonly contentIndex: number;
  readonly outputIndex?: number | undefined;
}

/** A new reasoning summary part begins (`response.reasoning_summary_part.added`). */
export interface ReasoningSummaryPartAddedEvent {
  readonly type: 'reasoningSummaryPartAdded';
  readonly itemId?: string | undefined;
  readonly summaryIndex: number;
  readonly outputIndex?: number | undefined;
}

/** A piece of a tool call's input: function-call arguments or custom-tool input. */
export interface ToolCallInputDeltaEvent {
  readonly type: 'toolCallInputDelta';
  readonly delta: string;
  readonly itemId?: string | undefined;
  readonly callId?: string | undefined;
  readonly outputIndex?: number | undefined;
}

/** The response completed (`response.completed`): always the last event of a successful stream, exactly once. */
export interface CompletedEvent {
  readonly type: 'completed';
  readonly responseId?: string | undefined;
  readonly usage?: Usage | undefined;
  /** The final response object as received. */
  readonly response: WireResponse;
}

/** Every normalized event a consumer can receive. */
export type ResponseEvent =
  | CreatedEvent
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
export interface PartDoneEvent {
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
