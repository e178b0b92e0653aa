import { type OperatorFunction, Observable } from 'rxjs';
import { ResponseCancelledError, ResponseFailedError, ResponseIncompleteError } from '../errors';
import type {
  NormalizedEvent,
  PartDoneEvent,
  PartKind,
  ToolInputItemType,
  ToolProgressItemType,
  ToolProgressStatus,
  Usage,
} from '../events';
import type { UnknownWireEvent, WireEvent, WireResponse, WireUsage } from '../wire/schemas';
import { subscribeWithin } from '../util/subscribeWithin';

/**
 * Wire events to normalized events. Lifecycle failures end the stream at once with a typed error:
 * `response.failed` and top-level `error` events → `ResponseFailedError`; `response.incomplete` →
 * `ResponseIncompleteError`; `response.cancelled` → `ResponseCancelledError`. `response.completed` and `response.done`
 * (Codex-backend relays) end the stream by the response's `status`: `completed` (or any other) → `completed`,
 * `failed` / `incomplete` / `cancelled` → the same typed errors. Every other event type of the API has its typed
 * event (citations, refusals, tool input of every kind, hosted-tool progress, shell output, partial images, audio,
 * `queued` / `inProgress`; README "Events"). `*.done` part events become `partDone` evidence for the fallback;
 * `content_part.added`, `reasoning_summary_part.done`, `audio.done` and `audio.transcript.done` carry nothing and
 * produce nothing; an {@link UnknownWireEvent} (from `toWireEvents({ unknownEvent: 'emit' })`) becomes `unknownEvent`.
 *
 * ```
 * wire:    --C--d--d--D--P--F--
 * normalizeEvents()
 * result:  --c--t--t--i--p--#      (F = response.failed, # = ResponseFailedError)
 * ```
 *
 * ## Example
 * ```ts
 * import { fromSSE, toWireEvents, normalizeEvents } from 'responses-rx';
 *
 * fromSSE(response).pipe(toWireEvents(), normalizeEvents()).subscribe((e) => console.log(e.type));
 * ```
 *
 * @returns an operator from wire events to normalized events.
 * @see normalizeWireEvent for the mapping of one event.
 */
export function normalizeEvents(): OperatorFunction<WireEvent | UnknownWireEvent, NormalizedEvent> {
  // Hand-written for speed (it sees every event): composed of map + filter, with emitCompletedOnce of takeWhile + tap,
  // the pipeline measured up to 9 % slower per stream on event-dense streams.
  // subscribeWithin sends what normalizeWireEvent throws to error().
  return (source) =>
    new Observable<NormalizedEvent>((subscriber) =>
      subscribeWithin(subscriber, source, {
        next: (wire) => {
          const event = normalizeWireEvent(wire);
          if (event !== undefined) subscriber.next(event);
        },
      }),
    );
}

/**
 * Maps one wire event to its normalized event.
 *
 * @returns the normalized event, with the wire's `sequence_number` as `sequenceNumber` when it had one, or
 *   `undefined` when the wire event carries nothing to emit.
 * @throws ResponseFailedError for `response.failed` and `error` events, and for `response.completed` /
 *   `response.done` with `status: "failed"`.
 * @throws ResponseIncompleteError for `response.incomplete`, and for `response.completed` / `response.done` with
 *   `status: "incomplete"`.
 * @throws ResponseCancelledError for `response.cancelled`, and for a lifecycle event whose response has
 *   `status: "cancelled"`.
 */
export function normalizeWireEvent(wire: WireEvent | UnknownWireEvent): NormalizedEvent | undefined {
  const sequence = wire.sequence_number;
  return normalizeKind(wire, typeof sequence === 'number' ? sequence : undefined);
}

/**
 * {@link normalizeWireEvent}: each event is built whole, its `sequenceNumber` in the literal (a property added after
 * would change the object's shape: a transition and a separate property store per event).
 */
function normalizeKind(
  wire: WireEvent | UnknownWireEvent,
  sequenceNumber: number | undefined,
): NormalizedEvent | undefined {
  // The cases in the order a typical stream needs them: a switch on strings compares the type with each case in turn,
  // which matters while the code is not optimized yet (a small stream's).
  switch (wire.type) {
    case 'response.output_text.delta': {
      const logprobs = wire.logprobs;
      return {
        type: 'outputTextDelta',
        delta: wire.delta,
        itemId: wire.item_id ?? undefined,
        outputIndex: wire.output_index ?? undefined,
        contentIndex: wire.content_index ?? undefined,
        logprobs: logprobs !== undefined && logprobs !== null && logprobs.length > 0 ? logprobs : undefined,
        sequenceNumber,
      };
    }
    case 'response.reasoning_summary_text.delta':
      return {
        type: 'reasoningSummaryDelta',
        delta: wire.delta,
        itemId: wire.item_id ?? undefined,
        summaryIndex: wire.summary_index ?? 0,
        ...outputIndexOf(wire.output_index),
        sequenceNumber,
      };
    case 'response.reasoning_text.delta':
      return {
        type: 'reasoningContentDelta',
        delta: wire.delta,
        itemId: wire.item_id ?? undefined,
        contentIndex: wire.content_index ?? 0,
        ...outputIndexOf(wire.output_index),
        sequenceNumber,
      };
    case 'response.function_call_arguments.delta':
      return toolInputDelta(sequenceNumber, wire.delta, 'function_call', wire.item_id, wire.output_index, wire.call_id);
    // Nothing to emit, deliberately (see the README's event table):
    // - content_part.added: an empty part; its text or refusal follows as deltas, which say which kind it is.
    // - reasoning_summary_part.done: repeats reasoning_summary_text.done, which is already the fallback's evidence.
    // - audio.done, audio.transcript.done: carry nothing; the audio ends with the response.
    case 'response.content_part.added':
    case 'response.reasoning_summary_part.done':
    case 'response.audio.done':
    case 'response.audio.transcript.done':
      return undefined;
    case 'response.output_item.added':
      return { type: 'outputItemAdded', item: wire.item, outputIndex: wire.output_index ?? undefined, sequenceNumber };
    case 'response.output_item.done':
      return {
        type: 'outputItemDone',
        item: wire.item,
        outputIndex: wire.output_index ?? undefined,
        recovered: false,
        sequenceNumber,
      };
    case 'response.output_text.done':
      return partDone(sequenceNumber, 'outputText', wire.text, wire.item_id, wire.output_index, wire.content_index);
    case 'response.content_part.done':
      return typeof wire.part.text === 'string'
        ? partDone(
            sequenceNumber,
            'contentPart',
            wire.part.text,
            wire.item_id,
            wire.output_index,
            wire.content_index,
            wire.part.type,
          )
        : undefined;
    case 'response.reasoning_summary_part.added':
      return {
        type: 'reasoningSummaryPartAdded',
        itemId: wire.item_id ?? undefined,
        summaryIndex: wire.summary_index ?? 0,
        ...outputIndexOf(wire.output_index),
        sequenceNumber,
      };
    case 'response.reasoning_summary_text.done':
      return partDone(
        sequenceNumber,
        'reasoningSummary',
        wire.text,
        wire.item_id,
        wire.output_index,
        wire.summary_index,
      );
    case 'response.function_call_arguments.done':
      return partDone(
        sequenceNumber,
        'toolCallInput',
        wire.arguments,
        wire.item_id,
        wire.output_index,
        0,
        'function_call',
      );
    case 'response.created':
      return { type: 'created', responseId: wire.response?.id ?? undefined, sequenceNumber };
    case 'response.in_progress':
      if (wire.response?.status === 'cancelled') throw cancelledError(wire.response);
      return { type: 'inProgress', responseId: wire.response?.id ?? undefined, sequenceNumber };
    case 'response.completed':
    case 'response.done':
      return ended(sequenceNumber, wire.response as WireResponse, wire.type);
    case 'response.custom_tool_call_input.delta':
      return toolInputDelta(
        sequenceNumber,
        wire.delta,
        'custom_tool_call',
        wire.item_id,
        wire.output_index,
        wire.call_id,
      );
    case 'response.code_interpreter_call_code.delta':
      return toolInputDelta(sequenceNumber, wire.delta, 'code_interpreter_call', wire.item_id, wire.output_index);
    case 'response.mcp_call_arguments.delta':
      return toolInputDelta(sequenceNumber, wire.delta, 'mcp_call', wire.item_id, wire.output_index);
    case 'response.apply_patch_call_operation_diff.delta':
      return toolInputDelta(sequenceNumber, wire.delta, 'apply_patch_call', wire.item_id, wire.output_index);
    case 'response.shell_call_command.added':
      // A new command begins, usually empty; its text follows as deltas.
      return toolInputDelta(
        sequenceNumber,
        wire.command,
        'shell_call',
        wire.item_id,
        wire.output_index,
        undefined,
        wire.command_index,
      );
    case 'response.shell_call_command.delta':
      return toolInputDelta(
        sequenceNumber,
        wire.delta,
        'shell_call',
        wire.item_id,
        wire.output_index,
        undefined,
        wire.command_index,
      );
    case 'response.refusal.delta':
      return {
        type: 'refusalDelta',
        delta: wire.delta,
        itemId: wire.item_id ?? undefined,
        contentIndex: wire.content_index ?? 0,
        ...outputIndexOf(wire.output_index),
        sequenceNumber,
      };
    case 'response.output_text.annotation.added':
      // A null annotation (allowed by the API's types) carries nothing to attach.
      if (wire.annotation === null || wire.annotation === undefined) return undefined;
      return {
        type: 'outputTextAnnotationAdded',
        annotation: wire.annotation,
        annotationIndex: wire.annotation_index ?? 0,
        itemId: wire.item_id ?? undefined,
        contentIndex: wire.content_index ?? 0,
        ...outputIndexOf(wire.output_index),
        sequenceNumber,
      };
    case 'response.shell_call_output_content.delta':
      return {
        type: 'toolCallOutputDelta',
        itemType: 'shell_call_output',
        stdout: wire.delta.stdout ?? '',
        stderr: wire.delta.stderr ?? '',
        itemId: wire.item_id ?? undefined,
        commandIndex: wire.command_index ?? 0,
        ...outputIndexOf(wire.output_index),
        sequenceNumber,
      };
    case 'response.image_generation_call.partial_image':
      return {
        type: 'partialImage',
        partialImageB64: wire.partial_image_b64,
        partialImageIndex: wire.partial_image_index ?? 0,
        itemId: wire.item_id ?? undefined,
        ...outputIndexOf(wire.output_index),
        ...optionalStrings(wire),
        sequenceNumber,
      };
    case 'response.audio.delta':
      return { type: 'audioDelta', delta: wire.delta, sequenceNumber };
    case 'response.audio.transcript.delta':
      return { type: 'audioTranscriptDelta', delta: wire.delta, sequenceNumber };
    case 'response.queued':
      return { type: 'queued', responseId: wire.response?.id ?? undefined, sequenceNumber };
    case 'response.cancelled':
      throw cancelledError(wire.response ?? undefined);
    case 'response.refusal.done':
      return partDone(sequenceNumber, 'refusal', wire.refusal, wire.item_id, wire.output_index, wire.content_index);
    case 'response.reasoning_text.done':
      return partDone(
        sequenceNumber,
        'reasoningContent',
        wire.text,
        wire.item_id,
        wire.output_index,
        wire.content_index,
      );
    case 'response.custom_tool_call_input.done':
      return partDone(
        sequenceNumber,
        'toolCallInput',
        wire.input,
        wire.item_id,
        wire.output_index,
        0,
        'custom_tool_call',
      );
    case 'response.code_interpreter_call_code.done':
      return partDone(
        sequenceNumber,
        'toolCallInput',
        wire.code,
        wire.item_id,
        wire.output_index,
        0,
        'code_interpreter_call',
      );
    case 'response.mcp_call_arguments.done':
      return partDone(sequenceNumber, 'toolCallInput', wire.arguments, wire.item_id, wire.output_index, 0, 'mcp_call');
    case 'response.apply_patch_call_operation_diff.done':
      return partDone(
        sequenceNumber,
        'toolCallInput',
        wire.diff,
        wire.item_id,
        wire.output_index,
        0,
        'apply_patch_call',
      );
    case 'response.shell_call_command.done':
      return partDone(
        sequenceNumber,
        'toolCallInput',
        wire.command,
        wire.item_id,
        wire.output_index,
        wire.command_index,
        'shell_call',
      );
    case 'response.shell_call_output_content.done':
      return {
        ...partDone(
          sequenceNumber,
          'shellOutput',
          '',
          wire.item_id,
          wire.output_index,
          wire.command_index,
          'shell_call_output',
        ),
        output: wire.output,
      };
    case 'response.failed':
      if (wire.response?.status === 'cancelled') throw cancelledError(wire.response);
      throw ResponseFailedError.from(wire.response?.error ?? undefined, {
        responseId: wire.response?.id ?? undefined,
        source: 'response.failed',
      });
    case 'error':
      throw ResponseFailedError.from(wire.error ?? { code: wire.code, message: wire.message }, { source: 'error' });
    case 'response.incomplete':
      if (wire.response?.status === 'cancelled') throw cancelledError(wire.response);
      throw new ResponseIncompleteError({
        reason: wire.response?.incomplete_details?.reason ?? undefined,
        response: wire.response ?? undefined,
      });
    case 'unknown':
      return { type: 'unknownEvent', wireType: wire.wireType, event: wire.event, sequenceNumber };
    default:
      // The hosted tools' progress (`response.web_search_call.searching`, …, 18 types): every other type has its case
      // above, and `satisfies` fails to compile if a type without one is not a progress event.
      return toolProgress(
        sequenceNumber,
        wire.type satisfies `response.${ToolProgressItemType}.${ToolProgressStatus}`,
        wire.item_id,
        wire.output_index,
      );
  }
}

/** Converts a wire `usage` block; missing counts and details read as 0. */
export function toUsage(usage: WireUsage): Usage {
  const inputTokens = usage.input_tokens ?? 0;
  const outputTokens = usage.output_tokens ?? 0;
  return {
    inputTokens,
    cachedInputTokens: usage.input_tokens_details?.cached_tokens ?? 0,
    outputTokens,
    reasoningOutputTokens: usage.output_tokens_details?.reasoning_tokens ?? 0,
    totalTokens: usage.total_tokens ?? inputTokens + outputTokens,
  };
}

function outputIndexOf(index: number | null | undefined): { outputIndex?: number } {
  return index === null || index === undefined ? {} : { outputIndex: index };
}

function toolInputDelta(
  sequenceNumber: number | undefined,
  delta: string,
  itemType: ToolInputItemType,
  itemId: string | null | undefined,
  outputIndex: number | null | undefined,
  callId?: string | null,
  commandIndex?: number | null,
): NormalizedEvent {
  return {
    type: 'toolCallInputDelta',
    delta,
    itemType,
    itemId: itemId ?? undefined,
    callId: callId ?? undefined,
    ...outputIndexOf(outputIndex),
    ...(commandIndex === undefined || commandIndex === null ? {} : { commandIndex }),
    sequenceNumber,
  };
}

/** `response.<item type>.<status>` → the item type and the status. */
function toolProgress(
  sequenceNumber: number | undefined,
  wireType: string,
  itemId: string | null | undefined,
  outputIndex: number | null | undefined,
): NormalizedEvent {
  const dot = wireType.lastIndexOf('.');
  return {
    type: 'toolCallProgress',
    itemType: wireType.slice('response.'.length, dot) as ToolProgressItemType,
    status: wireType.slice(dot + 1) as ToolProgressStatus,
    itemId: itemId ?? undefined,
    ...outputIndexOf(outputIndex),
    sequenceNumber,
  };
}

/** The optional image facts of a partial image, only those the server sent. */
function optionalStrings(wire: { readonly [key: string]: unknown }): {
  size?: string;
  outputFormat?: string;
  quality?: string;
  background?: string;
} {
  const out: { size?: string; outputFormat?: string; quality?: string; background?: string } = {};
  if (typeof wire['size'] === 'string') out.size = wire['size'];
  if (typeof wire['output_format'] === 'string') out.outputFormat = wire['output_format'];
  if (typeof wire['quality'] === 'string') out.quality = wire['quality'];
  if (typeof wire['background'] === 'string') out.background = wire['background'];
  return out;
}

function partDone(
  sequenceNumber: number | undefined,
  part: PartKind,
  text: string,
  itemId: string | null | undefined,
  outputIndex: number | null | undefined,
  index: number | null | undefined,
  partType?: string,
): PartDoneEvent {
  return {
    type: 'partDone',
    part,
    text,
    itemId: itemId ?? undefined,
    outputIndex: outputIndex ?? undefined,
    index: index ?? 0,
    ...(partType === undefined ? {} : { partType }),
    sequenceNumber,
  };
}

/**
 * How a stream that says it ended (`response.completed`, or `response.done` from Codex-backend relays) ended, by the
 * response's `status`: `cancelled`, `failed` and `incomplete` are typed errors (a server that says "completed" but
 * marks the response otherwise never has that hidden); any other status is `completed`.
 */
function ended(
  sequenceNumber: number | undefined,
  response: WireResponse,
  source: 'response.completed' | 'response.done',
): NormalizedEvent {
  switch (response.status) {
    case 'cancelled':
      throw cancelledError(response);
    case 'failed':
      throw ResponseFailedError.from(response.error ?? undefined, { responseId: response.id ?? undefined, source });
    case 'incomplete':
      throw new ResponseIncompleteError({ reason: response.incomplete_details?.reason ?? undefined, response });
    default:
      return {
        type: 'completed',
        responseId: response.id ?? undefined,
        usage: response.usage ? toUsage(response.usage) : undefined,
        response,
        sequenceNumber,
      };
  }
}

function cancelledError(response: WireResponse | undefined): ResponseCancelledError {
  return new ResponseCancelledError({ responseId: response?.id ?? undefined, response });
}
