/**
 * The hand-written fast checks (lib/wire/fastChecks.ts) against the zod schemas they stand in for: on many generated
 * valid and invalid events of every known type, the fast check passes exactly what zod passes, and
 * `validateWireEvent` accepts and rejects (with zod's issues) exactly what the schema does.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { MalformedEventError, type KnownWireEventType, wireEventSchemas } from 'responses-rx';
import { passesFastCheck } from '../../lib/wire/fastChecks';
import { type RawWireEvent, validateWireEvent } from '../../lib/wire/parseWireEvent';
import { itWithRecordings, recordedDir } from '../support';

type Json = Record<string, unknown>;

const item = (): Json => ({
  type: 'message',
  id: 'msg_1',
  status: 'completed',
  content: [{ type: 'output_text', text: 'Hi' }],
});
const response = (): Json => ({
  id: 'resp_1',
  object: 'response',
  status: 'completed',
  model: 'gpt-x',
  output: [item(), { type: 'reasoning', id: 'rs_1', summary: [] }],
  usage: {
    input_tokens: 10,
    output_tokens: 5,
    total_tokens: 15,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens_details: { reasoning_tokens: 2 },
  },
  error: { code: 'server_error', message: 'boom', type: 'server_error', param: null },
  incomplete_details: { reason: 'max_output_tokens' },
  tools: [],
});
const ref = { item_id: 'msg_1', output_index: 1, sequence_number: 7 };

/** A valid event of each known type, carrying every field its schema checks. */
const valid: Record<KnownWireEventType, () => Json> = {
  'response.created': () => ({ type: 'response.created', response: response() }),
  'response.in_progress': () => ({ type: 'response.in_progress', response: response() }),
  'response.queued': () => ({ type: 'response.queued', response: { ...response(), status: 'queued' } }),
  'response.cancelled': () => ({ type: 'response.cancelled', response: { ...response(), status: 'cancelled' } }),
  'response.output_item.added': () => ({ type: 'response.output_item.added', item: item(), output_index: 0 }),
  'response.output_item.done': () => ({ type: 'response.output_item.done', item: item(), output_index: 0 }),
  'response.output_text.delta': () => ({
    type: 'response.output_text.delta',
    ...ref,
    content_index: 0,
    delta: 'He',
    logprobs: [],
    obfuscation: 'x',
  }),
  'response.output_text.done': () => ({ type: 'response.output_text.done', ...ref, content_index: 0, text: 'Hello' }),
  'response.content_part.done': () => ({
    type: 'response.content_part.done',
    ...ref,
    content_index: 0,
    part: { type: 'output_text', text: 'Hello', annotations: [] },
  }),
  'response.reasoning_summary_part.added': () => ({
    type: 'response.reasoning_summary_part.added',
    ...ref,
    summary_index: 0,
    part: { type: 'summary_text', text: '' },
  }),
  'response.reasoning_summary_text.delta': () => ({
    type: 'response.reasoning_summary_text.delta',
    ...ref,
    summary_index: 0,
    delta: 'Th',
  }),
  'response.reasoning_summary_text.done': () => ({
    type: 'response.reasoning_summary_text.done',
    ...ref,
    summary_index: 0,
    text: 'Thinking',
  }),
  'response.reasoning_text.delta': () => ({
    type: 'response.reasoning_text.delta',
    ...ref,
    content_index: 0,
    delta: 'Th',
  }),
  'response.reasoning_text.done': () => ({
    type: 'response.reasoning_text.done',
    ...ref,
    content_index: 0,
    text: 'Thinking',
  }),
  'response.function_call_arguments.delta': () => ({
    type: 'response.function_call_arguments.delta',
    ...ref,
    call_id: 'call_1',
    delta: '{"a"',
  }),
  'response.function_call_arguments.done': () => ({
    type: 'response.function_call_arguments.done',
    ...ref,
    call_id: 'call_1',
    arguments: '{"a":1}',
  }),
  'response.custom_tool_call_input.delta': () => ({
    type: 'response.custom_tool_call_input.delta',
    ...ref,
    call_id: 'call_1',
    delta: 'ls',
  }),
  'response.custom_tool_call_input.done': () => ({
    type: 'response.custom_tool_call_input.done',
    ...ref,
    call_id: 'call_1',
    input: 'ls -la',
  }),
  'response.content_part.added': () => ({
    type: 'response.content_part.added',
    ...ref,
    content_index: 0,
    part: { type: 'refusal', refusal: '' },
  }),
  'response.output_text.annotation.added': () => ({
    type: 'response.output_text.annotation.added',
    ...ref,
    content_index: 0,
    annotation_index: 0,
    annotation: { type: 'url_citation', url: 'https://example.com', title: 'Ex', start_index: 0, end_index: 4 },
  }),
  'response.refusal.delta': () => ({ type: 'response.refusal.delta', ...ref, content_index: 0, delta: 'No' }),
  'response.refusal.done': () => ({ type: 'response.refusal.done', ...ref, content_index: 0, refusal: 'No.' }),
  'response.reasoning_summary_part.done': () => ({
    type: 'response.reasoning_summary_part.done',
    ...ref,
    summary_index: 0,
    part: { type: 'summary_text', text: 'Thinking' },
  }),
  'response.code_interpreter_call_code.delta': () => ({
    type: 'response.code_interpreter_call_code.delta',
    ...ref,
    delta: 'print(',
  }),
  'response.code_interpreter_call_code.done': () => ({
    type: 'response.code_interpreter_call_code.done',
    ...ref,
    code: 'print(6*7)',
  }),
  'response.code_interpreter_call.in_progress': () => ({ type: 'response.code_interpreter_call.in_progress', ...ref }),
  'response.code_interpreter_call.interpreting': () => ({
    type: 'response.code_interpreter_call.interpreting',
    ...ref,
  }),
  'response.code_interpreter_call.completed': () => ({ type: 'response.code_interpreter_call.completed', ...ref }),
  'response.file_search_call.in_progress': () => ({ type: 'response.file_search_call.in_progress', ...ref }),
  'response.file_search_call.searching': () => ({ type: 'response.file_search_call.searching', ...ref }),
  'response.file_search_call.completed': () => ({ type: 'response.file_search_call.completed', ...ref }),
  'response.web_search_call.in_progress': () => ({ type: 'response.web_search_call.in_progress', ...ref }),
  'response.web_search_call.searching': () => ({ type: 'response.web_search_call.searching', ...ref }),
  'response.web_search_call.completed': () => ({ type: 'response.web_search_call.completed', ...ref }),
  'response.image_generation_call.in_progress': () => ({ type: 'response.image_generation_call.in_progress', ...ref }),
  'response.image_generation_call.generating': () => ({ type: 'response.image_generation_call.generating', ...ref }),
  'response.image_generation_call.completed': () => ({ type: 'response.image_generation_call.completed', ...ref }),
  'response.image_generation_call.partial_image': () => ({
    type: 'response.image_generation_call.partial_image',
    ...ref,
    partial_image_index: 0,
    partial_image_b64: 'iVBORw0KGgo=',
    size: '1024x1024',
  }),
  'response.mcp_call_arguments.delta': () => ({ type: 'response.mcp_call_arguments.delta', ...ref, delta: '{"q"' }),
  'response.mcp_call_arguments.done': () => ({
    type: 'response.mcp_call_arguments.done',
    ...ref,
    arguments: '{"q":1}',
  }),
  'response.mcp_call.in_progress': () => ({ type: 'response.mcp_call.in_progress', ...ref }),
  'response.mcp_call.completed': () => ({ type: 'response.mcp_call.completed', ...ref }),
  'response.mcp_call.failed': () => ({ type: 'response.mcp_call.failed', ...ref }),
  'response.mcp_list_tools.in_progress': () => ({ type: 'response.mcp_list_tools.in_progress', ...ref }),
  'response.mcp_list_tools.completed': () => ({ type: 'response.mcp_list_tools.completed', ...ref }),
  'response.mcp_list_tools.failed': () => ({ type: 'response.mcp_list_tools.failed', ...ref }),
  'response.shell_call_command.added': () => ({
    type: 'response.shell_call_command.added',
    output_index: 0,
    command_index: 0,
    command: '',
  }),
  'response.shell_call_command.delta': () => ({
    type: 'response.shell_call_command.delta',
    output_index: 0,
    command_index: 0,
    delta: 'echo',
  }),
  'response.shell_call_command.done': () => ({
    type: 'response.shell_call_command.done',
    output_index: 0,
    command_index: 0,
    command: 'echo hi',
  }),
  'response.shell_call_output_content.delta': () => ({
    type: 'response.shell_call_output_content.delta',
    ...ref,
    command_index: 0,
    delta: { stdout: 'hi\n', stderr: '' },
  }),
  'response.shell_call_output_content.done': () => ({
    type: 'response.shell_call_output_content.done',
    ...ref,
    command_index: 0,
    output: [{ stdout: 'hi\n', stderr: '', outcome: { type: 'exit', exit_code: 0 } }],
  }),
  'response.apply_patch_call_operation_diff.delta': () => ({
    type: 'response.apply_patch_call_operation_diff.delta',
    ...ref,
    delta: '+a',
  }),
  'response.apply_patch_call_operation_diff.done': () => ({
    type: 'response.apply_patch_call_operation_diff.done',
    ...ref,
    diff: '+a\n',
  }),
  'response.audio.delta': () => ({ type: 'response.audio.delta', delta: 'AAAA' }),
  'response.audio.done': () => ({ type: 'response.audio.done' }),
  'response.audio.transcript.delta': () => ({ type: 'response.audio.transcript.delta', delta: 'Hel' }),
  'response.audio.transcript.done': () => ({ type: 'response.audio.transcript.done' }),
  'response.completed': () => ({ type: 'response.completed', response: response() }),
  'response.done': () => ({ type: 'response.done', response: response() }),
  'response.failed': () => ({ type: 'response.failed', response: response() }),
  'response.incomplete': () => ({ type: 'response.incomplete', response: response() }),
  error: () => ({
    type: 'error',
    code: 'rate_limit',
    message: 'slow down',
    param: null,
    error: { code: 429, message: 'slow down', type: 'x', param: null },
  }),
};
const TYPES = Object.keys(valid) as KnownWireEventType[];

/** Every path a schema checks, and some it does not (they must not matter). */
const PATHS = [
  'delta',
  'text',
  'arguments',
  'input',
  'item_id',
  'output_index',
  'content_index',
  'summary_index',
  'call_id',
  'logprobs',
  'refusal',
  'diff',
  'command',
  'command_index',
  'annotation',
  'annotation.type',
  'annotation_index',
  'partial_image_b64',
  'partial_image_index',
  'delta.stdout',
  'delta.stderr',
  'output',
  'output.0',
  'item',
  'item.type',
  'item.id',
  'item.content',
  'part',
  'part.type',
  'part.text',
  'response',
  'response.id',
  'response.status',
  'response.model',
  'response.output',
  'response.output.0',
  'response.output.0.type',
  'response.output.0.id',
  'response.output.1',
  'response.usage',
  'response.usage.input_tokens',
  'response.usage.output_tokens',
  'response.usage.total_tokens',
  'response.usage.input_tokens_details',
  'response.usage.input_tokens_details.cached_tokens',
  'response.usage.output_tokens_details',
  'response.usage.output_tokens_details.reasoning_tokens',
  'response.error',
  'response.error.code',
  'response.error.message',
  'response.error.type',
  'response.error.param',
  'response.incomplete_details',
  'response.incomplete_details.reason',
  'code',
  'message',
  'param',
  'error',
  'error.code',
  'error.message',
  'error.type',
  'error.param',
].map((p) => p.split('.'));

/** Values at the edges of what the schemas accept: JSON's and a few JSON cannot carry. */
const edge = fc.constantFrom<unknown>(
  undefined,
  null,
  '',
  'x',
  0,
  -0,
  3,
  -1,
  1.5,
  2 ** 53,
  Number.MAX_SAFE_INTEGER,
  NaN,
  Infinity,
  -Infinity,
  true,
  false,
  [],
  [1],
  ['x'],
  {},
  { type: 'message' },
  { type: 1 },
  { type: 'm', id: 3 },
  [{ type: 'message' }],
  [null],
  [{}],
);
const anyValue = fc.oneof({ arbitrary: edge, weight: 4 }, { arbitrary: fc.anything({ maxDepth: 2 }), weight: 1 });
const mutation = fc.record({ path: fc.constantFrom(...PATHS), value: anyValue, remove: fc.boolean() });

function mutate(event: Json, path: readonly string[], value: unknown, remove: boolean): void {
  let target: unknown = event;
  for (const key of path.slice(0, -1)) {
    if (typeof target !== 'object' || target === null) return;
    target = (target as Json)[key];
  }
  if (typeof target !== 'object' || target === null) return;
  const last = path[path.length - 1] as string;
  if (remove) delete (target as Json)[last];
  else (target as Json)[last] = value;
}

/** The verdict of the fast check, of zod, and of validateWireEvent on one event. */
function verdicts(
  event: Json,
  type: KnownWireEventType,
): { fast: boolean; zod: boolean; validated: boolean; issues: unknown } {
  const result = wireEventSchemas[type].safeParse(event);
  let validated = true;
  let issues: unknown;
  try {
    expect(validateWireEvent(event as RawWireEvent, '{}')).toBe(event);
  } catch (error) {
    expect(error).toBeInstanceOf(MalformedEventError);
    validated = false;
    issues = (error as MalformedEventError).issues;
  }
  return { fast: passesFastCheck(event, type), zod: result.success, validated, issues };
}

describe('the fast checks of wire events', () => {
  it('pass every valid event of every known type', () => {
    for (const type of TYPES) {
      const event = valid[type]();
      expect(wireEventSchemas[type].safeParse(event).success).toBe(true);
      expect(passesFastCheck(event, type)).toBe(true);
    }
  });

  it('pass exactly what the zod schema passes, on mutated events of every type', () => {
    fc.assert(
      fc.property(fc.constantFrom(...TYPES), fc.array(mutation, { minLength: 1, maxLength: 3 }), (type, mutations) => {
        const event = valid[type]();
        for (const { path, value, remove } of mutations) mutate(event, path, value, remove);
        const { fast, zod, validated, issues } = verdicts(event, type);
        expect(fast).toBe(zod);
        expect(validated).toBe(zod);
        if (!zod) {
          const expected = wireEventSchemas[type]
            .safeParse(event)
            .error?.issues.map((issue) => ({ path: issue.path, message: issue.message }));
          expect(issues).toEqual(expected);
        }
      }),
      { numRuns: 20_000 },
    );
  });

  it('agree with zod on sparse arrays, arrays as events and non-plain objects', () => {
    const holes = valid['response.completed']();
    // eslint-disable-next-line no-sparse-arrays
    (holes['response'] as Json)['output'] = [, item()];
    const cases: [Json, KnownWireEventType][] = [
      [holes, 'response.completed'],
      [
        Object.assign([], { type: 'response.output_text.delta', delta: 'x' }) as unknown as Json,
        'response.output_text.delta',
      ],
      [
        Object.assign(new Date(0), { type: 'response.output_text.delta', delta: 'x' }) as unknown as Json,
        'response.output_text.delta',
      ],
      [
        Object.assign(Object.create(null) as Json, { type: 'response.output_text.delta', delta: 'x' }),
        'response.output_text.delta',
      ],
      [{ type: 'response.output_text.delta', delta: new String('x') }, 'response.output_text.delta'],
      [
        { type: 'response.output_item.done', item: Object.assign([], { type: 'message' }) },
        'response.output_item.done',
      ],
    ];
    for (const [event, type] of cases) {
      const { fast, zod, validated } = verdicts(event, type);
      expect({ type, fast, validated }).toEqual({ type, fast: zod, validated: zod });
    }
  });

  const dir = recordedDir();
  itWithRecordings('fastChecks.spec (the fast path on recorded events)')(
    'take the fast path on every valid event of the recorded streams',
    () => {
      let checked = 0;
      for (const file of readdirSync(dir as string)) {
        for (const line of readFileSync(path.join(dir as string, file), 'utf8').split('\n')) {
          let event: Json;
          try {
            event = JSON.parse(line) as Json;
          } catch {
            continue;
          }
          const type = event['type'];
          if (typeof type !== 'string' || !(type in wireEventSchemas)) continue;
          const known = type as KnownWireEventType;
          expect({ type, fast: passesFastCheck(event, known) }).toEqual({
            type,
            fast: wireEventSchemas[known].safeParse(event).success,
          });
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(1000);
    },
  );
});
