/**
 * zod schemas of the Responses API events and items as servers send them. Lenient by design: only the fields
 * responses-rx uses are checked, every other field is kept as received, and anything recordings show to be optional
 * (`sequence_number`, `response.id`, `response.output`, usage details) is optional here.
 *
 * @module
 */
import { z } from 'zod';

const optionalString = z.string().nullish();
const optionalIndex = z.number().int().nonnegative().nullish();

/** Any output item: `message`, `reasoning`, `function_call`, `custom_tool_call`, …, and unknown types, kept whole. */
export const wireItemSchema = z.looseObject({
  type: z.string(),
  id: optionalString,
});

/** An output item as received. Known fields are typed; every other field is kept. */
export type WireItem = z.infer<typeof wireItemSchema> & { readonly [key: string]: unknown };

const usageSchema = z.looseObject({
  input_tokens: z.number().nullish(),
  output_tokens: z.number().nullish(),
  total_tokens: z.number().nullish(),
  input_tokens_details: z.looseObject({ cached_tokens: z.number().nullish() }).nullish(),
  output_tokens_details: z.looseObject({ reasoning_tokens: z.number().nullish() }).nullish(),
});

const errorObjectSchema = z.looseObject({
  code: z.union([z.string(), z.number()]).nullish(),
  message: z.string().nullish(),
  type: z.string().nullish(),
  param: z.string().nullish(),
});

/** The response object carried by `response.*` lifecycle events. */
export const wireResponseSchema = z.looseObject({
  id: optionalString,
  status: optionalString,
  output: z.array(wireItemSchema).nullish(),
  usage: usageSchema.nullish(),
  error: errorObjectSchema.nullish(),
  incomplete_details: z.looseObject({ reason: optionalString }).nullish(),
});

/** The response object as received. */
export type WireResponse = z.infer<typeof wireResponseSchema> & { readonly [key: string]: unknown };

/** The usage block as received. */
export type WireUsage = z.infer<typeof usageSchema>;

/** The error object of `response.failed` and of top-level `error` events. */
export type WireErrorObject = z.infer<typeof errorObjectSchema>;

const textDelta = {
  delta: z.string(),
  item_id: optionalString,
  output_index: optionalIndex,
};

/**
 * The schema of each event type responses-rx reads, by JSON `type`. Events of any other type are ignored.
 * Fields not listed are kept but not checked.
 */
export const wireEventSchemas = {
  'response.created': z.looseObject({ response: wireResponseSchema.nullish() }),
  'response.in_progress': z.looseObject({ response: wireResponseSchema.nullish() }),
  'response.queued': z.looseObject({ response: wireResponseSchema.nullish() }),
  'response.output_item.added': z.looseObject({ item: wireItemSchema, output_index: optionalIndex }),
  'response.output_item.done': z.looseObject({ item: wireItemSchema, output_index: optionalIndex }),
  'response.output_text.delta': z.looseObject({ ...textDelta, content_index: optionalIndex }),
  'response.output_text.done': z.looseObject({
    text: z.string(),
    item_id: optionalString,
    output_index: optionalIndex,
    content_index: optionalIndex,
  }),
  'response.content_part.done': z.looseObject({
    part: z.looseObject({ type: z.string(), text: z.string().nullish() }),
    item_id: optionalString,
    output_index: optionalIndex,
    content_index: optionalIndex,
  }),
  'response.reasoning_summary_part.added': z.looseObject({
    item_id: optionalString,
    output_index: optionalIndex,
    summary_index: optionalIndex,
  }),
  'response.reasoning_summary_text.delta': z.looseObject({ ...textDelta, summary_index: optionalIndex }),
  'response.reasoning_summary_text.done': z.looseObject({
    text: z.string(),
    item_id: optionalString,
    output_index: optionalIndex,
    summary_index: optionalIndex,
  }),
  'response.reasoning_text.delta': z.looseObject({ ...textDelta, content_index: optionalIndex }),
  'response.reasoning_text.done': z.looseObject({
    text: z.string(),
    item_id: optionalString,
    output_index: optionalIndex,
    content_index: optionalIndex,
  }),
  'response.function_call_arguments.delta': z.looseObject({ ...textDelta, call_id: optionalString }),
  'response.function_call_arguments.done': z.looseObject({
    arguments: z.string(),
    item_id: optionalString,
    output_index: optionalIndex,
    call_id: optionalString,
  }),
  'response.custom_tool_call_input.delta': z.looseObject({ ...textDelta, call_id: optionalString }),
  'response.custom_tool_call_input.done': z.looseObject({
    input: z.string(),
    item_id: optionalString,
    output_index: optionalIndex,
    call_id: optionalString,
  }),
  'response.completed': z.looseObject({ response: wireResponseSchema }),
  'response.failed': z.looseObject({ response: wireResponseSchema.nullish() }),
  'response.incomplete': z.looseObject({ response: wireResponseSchema.nullish() }),
  /** Sent by servers (the embedded one included) that end a cancelled background response's stream with an event. */
  'response.cancelled': z.looseObject({ response: wireResponseSchema.nullish() }),
  error: z.looseObject({
    code: z.union([z.string(), z.number()]).nullish(),
    message: z.string().nullish(),
    param: z.string().nullish(),
    error: errorObjectSchema.nullish(),
  }),
} as const;

/** The JSON `type`s responses-rx reads. */
export type KnownWireEventType = keyof typeof wireEventSchemas;

/** A validated wire event of a known type: the JSON object as received, typed by its schema. */
export type WireEvent = {
  [K in KnownWireEventType]: z.infer<(typeof wireEventSchemas)[K]> & {
    readonly type: K;
    readonly sequence_number?: number | null;
  };
}[KnownWireEventType];

/** Narrows a {@link WireEvent} by its `type`. */
export type WireEventOf<K extends KnownWireEventType> = Extract<WireEvent, { type: K }>;

/** True when `type` is one of the event types responses-rx reads. */
export function isKnownWireEventType(type: string): type is KnownWireEventType {
  return Object.prototype.hasOwnProperty.call(wireEventSchemas, type);
}
