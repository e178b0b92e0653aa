/**
 * Hand-written checks of every event type `./schemas` knows, so the hot path does not run zod on every token (nor
 * copy every field of each `response` object, as zod's loose objects do). Each check is sound: it passes only what the
 * event's zod schema in `./schemas` passes (same field rules, no allocation). When a check fails, or the type has no
 * check, `validateWireEvent` runs the zod schema, which decides and words the error, so together they accept and
 * reject exactly what the schema does.
 *
 * Hand-written because it is about ten times faster than a check compiled from the schemas into closures (shared
 * closure code goes megamorphic). It cannot drift from them unseen: `spec/wire/fastChecks.spec.ts` reads every event
 * type, path and valid event from the schemas' own shapes, compares both on each path with values at the edges, and
 * fails when a check reads a field the schema does not declare. Change a schema, then this file, until it is green.
 *
 * @module
 */
import { TOOL_PROGRESS_TYPES } from './schemas';

type Fields = { readonly [key: string]: unknown };

/** `z.nullish(z.string())` */
function isOptionalString(value: unknown): boolean {
  return value === undefined || value === null || typeof value === 'string';
}

/** `z.nullish(z.int().check(z.nonnegative()))`: a safe integer ≥ 0 (zod's `int()` is the safe-integer range). */
function isOptionalIndex(value: unknown): boolean {
  return (
    value === undefined || value === null || (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)
  );
}

/** What zod's object schemas accept as an object. */
function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `wireItemSchema`: `{ type: string, id?: string | null }`, other fields kept. */
function isItem(value: unknown): boolean {
  return isObject(value) && typeof value['type'] === 'string' && isOptionalString(value['id']);
}

/** `z.nullish(z.number())`: zod's numbers are finite. */
function isOptionalNumber(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'number' && Number.isFinite(value));
}

/** `z.nullish(z.looseObject({ [key]: z.nullish(z.number()) }))`, the usage details. */
function isOptionalDetails(value: unknown, key: string): boolean {
  return value === undefined || value === null || (isObject(value) && isOptionalNumber(value[key]));
}

/** `z.nullish(usageSchema)` */
function isOptionalUsage(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  return (
    isObject(value) &&
    isOptionalNumber(value['input_tokens']) &&
    isOptionalNumber(value['output_tokens']) &&
    isOptionalNumber(value['total_tokens']) &&
    isOptionalDetails(value['input_tokens_details'], 'cached_tokens') &&
    isOptionalDetails(value['output_tokens_details'], 'reasoning_tokens')
  );
}

/** `z.nullish(z.union([z.string(), z.number()]))`, an error code. */
function isOptionalCode(value: unknown): boolean {
  return isOptionalString(value) || (typeof value === 'number' && Number.isFinite(value));
}

/** `z.nullish(errorObjectSchema)` */
function isOptionalErrorObject(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  return (
    isObject(value) &&
    isOptionalCode(value['code']) &&
    isOptionalString(value['message']) &&
    isOptionalString(value['type']) &&
    isOptionalString(value['param'])
  );
}

/** `z.nullish(z.array(wireItemSchema))`; every index is read, as zod does (a hole is `undefined`, not an item). */
function isOptionalItems(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (!Array.isArray(value)) return false;
  for (let index = 0; index < value.length; index++) if (!isItem(value[index])) return false;
  return true;
}

/** `wireResponseSchema` */
function isResponse(value: unknown): boolean {
  if (!isObject(value)) return false;
  const details = value['incomplete_details'];
  return (
    isOptionalString(value['id']) &&
    isOptionalString(value['status']) &&
    isOptionalItems(value['output']) &&
    isOptionalUsage(value['usage']) &&
    isOptionalErrorObject(value['error']) &&
    (details === undefined || details === null || (isObject(details) && isOptionalString(details['reason'])))
  );
}

/** `z.nullish(wireResponseSchema)` */
function isOptionalResponse(value: unknown): boolean {
  return value === undefined || value === null || isResponse(value);
}

/** `item_id` and `output_index`, which every part event carries. */
function hasPartRef(event: Fields): boolean {
  return isOptionalString(event['item_id']) && isOptionalIndex(event['output_index']);
}

/**
 * True when `event` (an object with a string `type`) certainly passes the zod schema of its type; false when it may
 * not, or its type has no fast check: then ask zod.
 */
export function passesFastCheck(event: Fields, type: string): boolean {
  if (!isObject(event)) return false;
  // Deltas are most of a stream's events: compared first, they skip the map's hashing of the type.
  if (type === 'response.output_text.delta') return isTextDelta(event);
  if (type === 'response.reasoning_summary_text.delta') return isSummaryDelta(event);
  if (type === 'response.reasoning_text.delta') return isContentDelta(event);
  if (type === 'response.function_call_arguments.delta') return isCallDelta(event);
  const check = FAST_CHECKS.get(type);
  return check !== undefined && check(event);
}

/** `response.reasoning_text.delta`, `response.refusal.delta` */
function isContentDelta(event: Fields): boolean {
  return typeof event['delta'] === 'string' && hasPartRef(event) && isOptionalIndex(event['content_index']);
}

/** `response.reasoning_summary_text.delta` */
function isSummaryDelta(event: Fields): boolean {
  return typeof event['delta'] === 'string' && hasPartRef(event) && isOptionalIndex(event['summary_index']);
}

/** `response.function_call_arguments.delta`, `response.custom_tool_call_input.delta` */
function isCallDelta(event: Fields): boolean {
  return typeof event['delta'] === 'string' && hasPartRef(event) && isOptionalString(event['call_id']);
}

/** `response.output_text.delta` */
function isTextDelta(event: Fields): boolean {
  const logprobs = event['logprobs'];
  return (
    typeof event['delta'] === 'string' &&
    hasPartRef(event) &&
    isOptionalIndex(event['content_index']) &&
    (logprobs === undefined || logprobs === null || Array.isArray(logprobs))
  );
}

type Check = (event: Fields) => boolean;

/** One check for several event types. */
function sameCheck(types: readonly string[], check: Check): [string, Check][] {
  return types.map((type) => [type, check]);
}

/**
 * The check of each event type, found by one map lookup: a `switch` of 60 string cases compared the type with each
 * case in turn, up to 60 string comparisons per event in code that is not optimized yet (a small stream's).
 */
const FAST_CHECKS: ReadonlyMap<string, Check> = new Map<string, Check>([
  ['response.output_text.delta', isTextDelta],
  ...sameCheck(['response.reasoning_text.delta', 'response.refusal.delta'], isContentDelta),
  ['response.reasoning_summary_text.delta', isSummaryDelta],
  ...sameCheck(['response.function_call_arguments.delta', 'response.custom_tool_call_input.delta'], isCallDelta),
  ...sameCheck(
    [
      'response.code_interpreter_call_code.delta',
      'response.mcp_call_arguments.delta',
      'response.apply_patch_call_operation_diff.delta',
    ],
    (event) => typeof event['delta'] === 'string' && hasPartRef(event),
  ),
  [
    'response.shell_call_command.delta',
    (event) => typeof event['delta'] === 'string' && hasPartRef(event) && isOptionalIndex(event['command_index']),
  ],
  ...sameCheck(
    ['response.audio.delta', 'response.audio.transcript.delta'],
    (event) => typeof event['delta'] === 'string',
  ),
  ...sameCheck(
    ['response.output_text.done', 'response.reasoning_text.done'],
    (event) => typeof event['text'] === 'string' && hasPartRef(event) && isOptionalIndex(event['content_index']),
  ),
  [
    'response.refusal.done',
    (event) => typeof event['refusal'] === 'string' && hasPartRef(event) && isOptionalIndex(event['content_index']),
  ],
  [
    'response.reasoning_summary_text.done',
    (event) => typeof event['text'] === 'string' && hasPartRef(event) && isOptionalIndex(event['summary_index']),
  ],
  ...sameCheck(
    ['response.reasoning_summary_part.added', 'response.reasoning_summary_part.done'],
    (event) => hasPartRef(event) && isOptionalIndex(event['summary_index']),
  ),
  [
    'response.content_part.added',
    (event) => {
      const part = event['part'];
      return (
        isObject(part) &&
        typeof part['type'] === 'string' &&
        hasPartRef(event) &&
        isOptionalIndex(event['content_index'])
      );
    },
  ],
  [
    'response.content_part.done',
    (event) => {
      const part = event['part'];
      return (
        isObject(part) &&
        typeof part['type'] === 'string' &&
        isOptionalString(part['text']) &&
        hasPartRef(event) &&
        isOptionalIndex(event['content_index'])
      );
    },
  ],
  [
    'response.output_text.annotation.added',
    (event) => {
      const annotation = event['annotation'];
      return (
        (annotation === undefined ||
          annotation === null ||
          (isObject(annotation) && typeof annotation['type'] === 'string')) &&
        hasPartRef(event) &&
        isOptionalIndex(event['content_index']) &&
        isOptionalIndex(event['annotation_index'])
      );
    },
  ],
  ...sameCheck(
    ['response.output_item.added', 'response.output_item.done'],
    (event) => isItem(event['item']) && isOptionalIndex(event['output_index']),
  ),
  [
    'response.function_call_arguments.done',
    (event) => typeof event['arguments'] === 'string' && hasPartRef(event) && isOptionalString(event['call_id']),
  ],
  [
    'response.custom_tool_call_input.done',
    (event) => typeof event['input'] === 'string' && hasPartRef(event) && isOptionalString(event['call_id']),
  ],
  ['response.code_interpreter_call_code.done', (event) => typeof event['code'] === 'string' && hasPartRef(event)],
  ['response.mcp_call_arguments.done', (event) => typeof event['arguments'] === 'string' && hasPartRef(event)],
  ['response.apply_patch_call_operation_diff.done', (event) => typeof event['diff'] === 'string' && hasPartRef(event)],
  ...sameCheck(
    ['response.shell_call_command.added', 'response.shell_call_command.done'],
    (event) => typeof event['command'] === 'string' && hasPartRef(event) && isOptionalIndex(event['command_index']),
  ),
  [
    'response.shell_call_output_content.delta',
    (event) => {
      const delta = event['delta'];
      return (
        isObject(delta) &&
        isOptionalString(delta['stdout']) &&
        isOptionalString(delta['stderr']) &&
        hasPartRef(event) &&
        isOptionalIndex(event['command_index'])
      );
    },
  ],
  [
    'response.shell_call_output_content.done',
    (event) => {
      const output = event['output'];
      if (!Array.isArray(output) || !hasPartRef(event) || !isOptionalIndex(event['command_index'])) return false;
      for (let index = 0; index < output.length; index++) if (!isObject(output[index])) return false;
      return true;
    },
  ],
  ...sameCheck(TOOL_PROGRESS_TYPES, hasPartRef),
  [
    'response.image_generation_call.partial_image',
    (event) => {
      return (
        typeof event['partial_image_b64'] === 'string' &&
        hasPartRef(event) &&
        isOptionalIndex(event['partial_image_index'])
      );
    },
  ],
  ...sameCheck(['response.audio.done', 'response.audio.transcript.done'], () => true),
  ...sameCheck(
    [
      'response.created',
      'response.queued',
      'response.in_progress',
      'response.failed',
      'response.incomplete',
      'response.cancelled',
    ],
    (event) => isOptionalResponse(event['response']),
  ),
  ...sameCheck(['response.completed', 'response.done'], (event) => isResponse(event['response'])),
  [
    'error',
    (event) => {
      return (
        isOptionalCode(event['code']) &&
        isOptionalString(event['message']) &&
        isOptionalString(event['param']) &&
        isOptionalErrorObject(event['error'])
      );
    },
  ],
]);
