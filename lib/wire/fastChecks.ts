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
  switch (type) {
    case 'response.output_text.delta': {
      const logprobs = event['logprobs'];
      return (
        typeof event['delta'] === 'string' &&
        hasPartRef(event) &&
        isOptionalIndex(event['content_index']) &&
        (logprobs === undefined || logprobs === null || Array.isArray(logprobs))
      );
    }
    case 'response.reasoning_text.delta':
    case 'response.refusal.delta':
      return typeof event['delta'] === 'string' && hasPartRef(event) && isOptionalIndex(event['content_index']);
    case 'response.reasoning_summary_text.delta':
      return typeof event['delta'] === 'string' && hasPartRef(event) && isOptionalIndex(event['summary_index']);
    case 'response.function_call_arguments.delta':
    case 'response.custom_tool_call_input.delta':
      return typeof event['delta'] === 'string' && hasPartRef(event) && isOptionalString(event['call_id']);
    case 'response.code_interpreter_call_code.delta':
    case 'response.mcp_call_arguments.delta':
    case 'response.apply_patch_call_operation_diff.delta':
      return typeof event['delta'] === 'string' && hasPartRef(event);
    case 'response.shell_call_command.delta':
      return typeof event['delta'] === 'string' && hasPartRef(event) && isOptionalIndex(event['command_index']);
    case 'response.audio.delta':
    case 'response.audio.transcript.delta':
      return typeof event['delta'] === 'string';
    case 'response.output_text.done':
    case 'response.reasoning_text.done':
      return typeof event['text'] === 'string' && hasPartRef(event) && isOptionalIndex(event['content_index']);
    case 'response.refusal.done':
      return typeof event['refusal'] === 'string' && hasPartRef(event) && isOptionalIndex(event['content_index']);
    case 'response.reasoning_summary_text.done':
      return typeof event['text'] === 'string' && hasPartRef(event) && isOptionalIndex(event['summary_index']);
    case 'response.reasoning_summary_part.added':
    case 'response.reasoning_summary_part.done':
      return hasPartRef(event) && isOptionalIndex(event['summary_index']);
    case 'response.content_part.added': {
      const part = event['part'];
      return (
        isObject(part) &&
        typeof part['type'] === 'string' &&
        hasPartRef(event) &&
        isOptionalIndex(event['content_index'])
      );
    }
    case 'response.content_part.done': {
      const part = event['part'];
      return (
        isObject(part) &&
        typeof part['type'] === 'string' &&
        isOptionalString(part['text']) &&
        hasPartRef(event) &&
        isOptionalIndex(event['content_index'])
      );
    }
    case 'response.output_text.annotation.added': {
      const annotation = event['annotation'];
      return (
        (annotation === undefined ||
          annotation === null ||
          (isObject(annotation) && typeof annotation['type'] === 'string')) &&
        hasPartRef(event) &&
        isOptionalIndex(event['content_index']) &&
        isOptionalIndex(event['annotation_index'])
      );
    }
    case 'response.output_item.added':
    case 'response.output_item.done':
      return isItem(event['item']) && isOptionalIndex(event['output_index']);
    case 'response.function_call_arguments.done':
      return typeof event['arguments'] === 'string' && hasPartRef(event) && isOptionalString(event['call_id']);
    case 'response.custom_tool_call_input.done':
      return typeof event['input'] === 'string' && hasPartRef(event) && isOptionalString(event['call_id']);
    case 'response.code_interpreter_call_code.done':
      return typeof event['code'] === 'string' && hasPartRef(event);
    case 'response.mcp_call_arguments.done':
      return typeof event['arguments'] === 'string' && hasPartRef(event);
    case 'response.apply_patch_call_operation_diff.done':
      return typeof event['diff'] === 'string' && hasPartRef(event);
    case 'response.shell_call_command.added':
    case 'response.shell_call_command.done':
      return typeof event['command'] === 'string' && hasPartRef(event) && isOptionalIndex(event['command_index']);
    case 'response.shell_call_output_content.delta': {
      const delta = event['delta'];
      return (
        isObject(delta) &&
        isOptionalString(delta['stdout']) &&
        isOptionalString(delta['stderr']) &&
        hasPartRef(event) &&
        isOptionalIndex(event['command_index'])
      );
    }
    case 'response.shell_call_output_content.done': {
      const output = event['output'];
      if (!Array.isArray(output) || !hasPartRef(event) || !isOptionalIndex(event['command_index'])) return false;
      for (let index = 0; index < output.length; index++) if (!isObject(output[index])) return false;
      return true;
    }
    case 'response.code_interpreter_call.in_progress':
    case 'response.code_interpreter_call.interpreting':
    case 'response.code_interpreter_call.completed':
    case 'response.file_search_call.in_progress':
    case 'response.file_search_call.searching':
    case 'response.file_search_call.completed':
    case 'response.web_search_call.in_progress':
    case 'response.web_search_call.searching':
    case 'response.web_search_call.completed':
    case 'response.image_generation_call.in_progress':
    case 'response.image_generation_call.generating':
    case 'response.image_generation_call.completed':
    case 'response.mcp_call.in_progress':
    case 'response.mcp_call.completed':
    case 'response.mcp_call.failed':
    case 'response.mcp_list_tools.in_progress':
    case 'response.mcp_list_tools.completed':
    case 'response.mcp_list_tools.failed':
      return hasPartRef(event);
    case 'response.image_generation_call.partial_image':
      return (
        typeof event['partial_image_b64'] === 'string' &&
        hasPartRef(event) &&
        isOptionalIndex(event['partial_image_index'])
      );
    case 'response.audio.done':
    case 'response.audio.transcript.done':
      return true;
    case 'response.created':
    case 'response.queued':
    case 'response.in_progress':
    case 'response.failed':
    case 'response.incomplete':
    case 'response.cancelled':
      return isOptionalResponse(event['response']);
    case 'response.completed':
    case 'response.done':
      return isResponse(event['response']);
    case 'error':
      return (
        isOptionalCode(event['code']) &&
        isOptionalString(event['message']) &&
        isOptionalString(event['param']) &&
        isOptionalErrorObject(event['error'])
      );
    default:
      return false;
  }
}
