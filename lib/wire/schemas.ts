/**
 * zod schemas of the Responses API events and items as servers send them. Lenient by design: only the fields
 * responses-rx uses are checked, every other field is kept as received, and anything recordings show to be optional
 * (`sequence_number`, `response.id`, `response.output`, usage details) is optional here.
 *
 * Written with `zod/mini`, zod's tree-shakable build, so browser bundles carry only what these schemas use. They are
 * the source of the validation rules: the hot path's hand-written checks (`./fastChecks`) are proven against them by
 * `spec/wire/fastChecks.spec.ts`, which reads every field from these shapes. The event schemas are built the first time
 * one is read: only a rejected event (or an app) reads them.
 *
 * @module
 */
import * as z from 'zod/mini';
import type { EventIssue } from '../errors';

const optionalString = z.nullish(z.string());
const optionalIndex = z.nullish(z.int().check(z.nonnegative()));

/** Any output item: `message`, `reasoning`, `function_call`, `custom_tool_call`, …, and unknown types, kept whole. */
export const wireItemSchema = z.looseObject({
  type: z.string(),
  id: optionalString,
});

/** An output item as received. Known fields are typed; every other field is kept. */
export type WireItem = z.infer<typeof wireItemSchema> & { readonly [key: string]: unknown };

const usageSchema = z.looseObject({
  input_tokens: z.nullish(z.number()),
  output_tokens: z.nullish(z.number()),
  total_tokens: z.nullish(z.number()),
  input_tokens_details: z.nullish(z.looseObject({ cached_tokens: z.nullish(z.number()) })),
  output_tokens_details: z.nullish(z.looseObject({ reasoning_tokens: z.nullish(z.number()) })),
});

const errorObjectSchema = z.looseObject({
  code: z.nullish(z.union([z.string(), z.number()])),
  message: z.nullish(z.string()),
  type: z.nullish(z.string()),
  param: z.nullish(z.string()),
});

/** The response object carried by `response.*` lifecycle events. */
export const wireResponseSchema = z.looseObject({
  id: optionalString,
  status: optionalString,
  output: z.nullish(z.array(wireItemSchema)),
  usage: z.nullish(usageSchema),
  error: z.nullish(errorObjectSchema),
  incomplete_details: z.nullish(z.looseObject({ reason: optionalString })),
});

/** The response object as received. */
export type WireResponse = z.infer<typeof wireResponseSchema> & { readonly [key: string]: unknown };

/** The usage block as received. */
export type WireUsage = z.infer<typeof usageSchema>;

/** The error object of `response.failed` and of top-level `error` events. */
export type WireErrorObject = z.infer<typeof errorObjectSchema>;

const partRef = { item_id: optionalString, output_index: optionalIndex };
const textDelta = { delta: z.string(), ...partRef };
/** A builder that builds its schema once, when first called. */
function once<T>(build: () => T): () => T {
  let schema: T | undefined;
  return () => (schema ??= build());
}

/**
 * The schemas of `builders`, each built the first time it is read, then kept as a plain property. The hot path never
 * reads them (`./fastChecks` decides valid events), so a process that reads only valid streams does not build the
 * sixty event schemas at import (a few ms of a cold start; README "Small streams, cold starts, many at once").
 */
function builtOnFirstRead<T extends Record<string, () => unknown>>(
  builders: T,
): { readonly [K in keyof T]: ReturnType<T[K]> } {
  const schemas = {} as { [K in keyof T]: ReturnType<T[K]> };
  for (const key of Object.keys(builders) as (keyof T & string)[]) {
    Object.defineProperty(schemas, key, {
      enumerable: true,
      configurable: true,
      get: () => {
        const schema = builders[key]!();
        Object.defineProperty(schemas, key, { value: schema, enumerable: true, writable: false, configurable: false });
        return schema;
      },
    });
  }
  return schemas;
}

const lifecycle = once(() => z.looseObject({ response: z.nullish(wireResponseSchema) }));
/** `*.in_progress`, `*.searching`, `*.completed`, … of a hosted tool: the item they are about, nothing else. */
const toolProgress = once(() => z.looseObject(partRef));

/**
 * The hosted tools' progress events (`response.web_search_call.searching`, …), which all carry nothing but the item
 * they are about: one list for their schemas, their fast check and `normalizeEvents`.
 *
 * @internal
 */
export const TOOL_PROGRESS_TYPES = [
  'response.code_interpreter_call.in_progress',
  'response.code_interpreter_call.interpreting',
  'response.code_interpreter_call.completed',
  'response.file_search_call.in_progress',
  'response.file_search_call.searching',
  'response.file_search_call.completed',
  'response.web_search_call.in_progress',
  'response.web_search_call.searching',
  'response.web_search_call.completed',
  'response.image_generation_call.in_progress',
  'response.image_generation_call.generating',
  'response.image_generation_call.completed',
  'response.mcp_call.in_progress',
  'response.mcp_call.completed',
  'response.mcp_call.failed',
  'response.mcp_list_tools.in_progress',
  'response.mcp_list_tools.completed',
  'response.mcp_list_tools.failed',
] as const;
/** `response.audio.done`, `response.audio.transcript.done`: nothing but their type. */
const bare = once(() => z.looseObject({}));

/**
 * The schema of each event type responses-rx reads, by JSON `type`: every type of the `ResponseStreamEvent` union
 * (openai-node 7.5, the OpenAI OpenAPI spec) plus `response.apply_patch_call_operation_diff.*`, which real streams
 * send. Events of any other type are unknown (see `toWireEvents`' `unknownEvent`). Fields not listed are kept but not
 * checked.
 */
export const wireEventSchemas = builtOnFirstRead({
  'response.created': lifecycle,
  'response.queued': lifecycle,
  'response.in_progress': lifecycle,
  'response.output_item.added': () => z.looseObject({ item: wireItemSchema, output_index: optionalIndex }),
  'response.output_item.done': () => z.looseObject({ item: wireItemSchema, output_index: optionalIndex }),
  'response.content_part.added': () =>
    z.looseObject({
      part: z.looseObject({ type: z.string() }),
      ...partRef,
      content_index: optionalIndex,
    }),
  'response.output_text.delta': () =>
    z.looseObject({
      ...textDelta,
      content_index: optionalIndex,
      logprobs: z.nullish(z.array(z.unknown())),
    }),
  'response.output_text.done': () => z.looseObject({ text: z.string(), ...partRef, content_index: optionalIndex }),
  'response.output_text.annotation.added': () =>
    z.looseObject({
      annotation: z.nullish(z.looseObject({ type: z.string() })),
      ...partRef,
      content_index: optionalIndex,
      annotation_index: optionalIndex,
    }),
  'response.refusal.delta': () => z.looseObject({ ...textDelta, content_index: optionalIndex }),
  'response.refusal.done': () => z.looseObject({ refusal: z.string(), ...partRef, content_index: optionalIndex }),
  'response.content_part.done': () =>
    z.looseObject({
      part: z.looseObject({ type: z.string(), text: z.nullish(z.string()) }),
      ...partRef,
      content_index: optionalIndex,
    }),
  'response.reasoning_summary_part.added': () => z.looseObject({ ...partRef, summary_index: optionalIndex }),
  'response.reasoning_summary_part.done': () => z.looseObject({ ...partRef, summary_index: optionalIndex }),
  'response.reasoning_summary_text.delta': () => z.looseObject({ ...textDelta, summary_index: optionalIndex }),
  'response.reasoning_summary_text.done': () =>
    z.looseObject({
      text: z.string(),
      ...partRef,
      summary_index: optionalIndex,
    }),
  'response.reasoning_text.delta': () => z.looseObject({ ...textDelta, content_index: optionalIndex }),
  'response.reasoning_text.done': () => z.looseObject({ text: z.string(), ...partRef, content_index: optionalIndex }),
  'response.function_call_arguments.delta': () => z.looseObject({ ...textDelta, call_id: optionalString }),
  'response.function_call_arguments.done': () =>
    z.looseObject({
      arguments: z.string(),
      ...partRef,
      call_id: optionalString,
    }),
  'response.custom_tool_call_input.delta': () => z.looseObject({ ...textDelta, call_id: optionalString }),
  'response.custom_tool_call_input.done': () =>
    z.looseObject({ input: z.string(), ...partRef, call_id: optionalString }),
  'response.code_interpreter_call_code.delta': () => z.looseObject(textDelta),
  'response.code_interpreter_call_code.done': () => z.looseObject({ code: z.string(), ...partRef }),
  ...(Object.fromEntries(TOOL_PROGRESS_TYPES.map((type) => [type, toolProgress])) as Record<
    (typeof TOOL_PROGRESS_TYPES)[number],
    typeof toolProgress
  >),
  'response.image_generation_call.partial_image': () =>
    z.looseObject({
      partial_image_b64: z.string(),
      partial_image_index: optionalIndex,
      ...partRef,
    }),
  'response.mcp_call_arguments.delta': () => z.looseObject(textDelta),
  'response.mcp_call_arguments.done': () => z.looseObject({ arguments: z.string(), ...partRef }),
  'response.shell_call_command.added': () =>
    z.looseObject({ command: z.string(), ...partRef, command_index: optionalIndex }),
  'response.shell_call_command.delta': () => z.looseObject({ ...textDelta, command_index: optionalIndex }),
  'response.shell_call_command.done': () =>
    z.looseObject({ command: z.string(), ...partRef, command_index: optionalIndex }),
  'response.shell_call_output_content.delta': () =>
    z.looseObject({
      delta: z.looseObject({ stdout: optionalString, stderr: optionalString }),
      ...partRef,
      command_index: optionalIndex,
    }),
  'response.shell_call_output_content.done': () =>
    z.looseObject({
      output: z.array(z.looseObject({})),
      ...partRef,
      command_index: optionalIndex,
    }),
  'response.apply_patch_call_operation_diff.delta': () => z.looseObject(textDelta),
  'response.apply_patch_call_operation_diff.done': () => z.looseObject({ diff: z.string(), ...partRef }),
  'response.audio.delta': () => z.looseObject({ delta: z.string() }),
  'response.audio.done': bare,
  'response.audio.transcript.delta': () => z.looseObject({ delta: z.string() }),
  'response.audio.transcript.done': bare,
  'response.completed': () => z.looseObject({ response: wireResponseSchema }),
  /** Codex-backend relays end with this instead of `response.completed`; its `response.status` says how it ended. */
  'response.done': () => z.looseObject({ response: wireResponseSchema }),
  'response.failed': lifecycle,
  'response.incomplete': lifecycle,
  /** Sent by servers (the embedded one included) that end a cancelled background response's stream with an event. */
  'response.cancelled': lifecycle,
  error: () =>
    z.looseObject({
      code: z.nullish(z.union([z.string(), z.number()])),
      message: z.nullish(z.string()),
      param: z.nullish(z.string()),
      error: z.nullish(errorObjectSchema),
    }),
});

/** The JSON `type`s responses-rx reads. */
export type KnownWireEventType = keyof typeof wireEventSchemas;

/** A validated wire event of a known type: the JSON object as received, typed by its schema. */
export type WireEvent = {
  [K in KnownWireEventType]: z.infer<(typeof wireEventSchemas)[K]> & {
    readonly type: K;
    readonly sequence_number?: number | null;
  };
}[KnownWireEventType];

/**
 * An event of a type responses-rx does not know, passed on by `toWireEvents({ unknownEvent: 'emit' })` so that
 * `normalizeEvents` can emit it as an `unknownEvent`. Wrapped, so that its `type` never collides with a known one.
 */
export interface UnknownWireEvent {
  readonly type: 'unknown';
  /** The event's own JSON `type`. */
  readonly wireType: string;
  /** The event as received (not validated). */
  readonly event: { readonly type: string; readonly [key: string]: unknown };
  readonly sequence_number?: number | null;
}

/** Narrows a {@link WireEvent} by its `type`. */
export type WireEventOf<K extends KnownWireEventType> = Extract<WireEvent, { type: K }>;

/** True when `type` is one of the event types responses-rx reads. */
export function isKnownWireEventType(type: string): type is KnownWireEventType {
  return Object.prototype.hasOwnProperty.call(wireEventSchemas, type);
}

/** What an issue of these schemas carries, as zod's error map receives it. */
interface RawIssue {
  readonly code?: string;
  readonly expected?: string;
  readonly input?: unknown;
  readonly origin?: string;
  readonly inclusive?: boolean;
  readonly minimum?: unknown;
  readonly maximum?: unknown;
}

/** The type of a value in zod's words (`null`, `array`, `NaN`, `Infinity`, a class name, else `typeof`). */
function typeName(value: unknown): string {
  if (typeof value === 'number') return Number.isFinite(value) ? 'number' : String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object' && Object.getPrototypeOf(value) !== Object.prototype && value.constructor?.name)
    return value.constructor.name;
  return typeof value;
}

/**
 * English wording, in zod's own phrasing, of the issues these schemas raise. zod/mini brings no locale (its issues
 * all read "Invalid input"), and zod's English locale would weigh a KB in browser bundles; the wording is passed with
 * each parse, never set in zod's global config, which belongs to the app.
 */
function wording(issue: RawIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `Invalid input: expected ${issue.expected}, received ${typeName(issue.input)}`;
    case 'too_small':
      return `Too small: expected ${issue.origin} to be ${issue.inclusive ? '>=' : '>'}${String(issue.minimum)}`;
    case 'too_big':
      return `Too big: expected ${issue.origin} to be ${issue.inclusive ? '<=' : '<'}${String(issue.maximum)}`;
    default:
      return 'Invalid input';
  }
}

const ENGLISH = { error: wording };

/**
 * Validates an event of a known type with its schema.
 *
 * @returns what failed (path and English message, as zod reports them), or `undefined` when the event is valid.
 */
export function wireEventIssues(type: KnownWireEventType, event: unknown): readonly EventIssue[] | undefined {
  const result = wireEventSchemas[type].safeParse(event, ENGLISH);
  return result.success
    ? undefined
    : result.error.issues.map((issue) => ({ path: issue.path, message: issue.message }));
}
