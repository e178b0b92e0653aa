/**
 * Every event type of the current Responses streaming API reaches the consumer as a typed normalized event, or has a
 * documented reason not to; newer types are ignored, or emitted as `unknownEvent` when asked, never an error.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  isKnownWireEventType,
  normalizeWireEvent,
  responseEvents,
  wireEventSchemas,
  wireItemSchema,
} from 'responses-rx';
import type { WireEvent } from 'responses-rx';
import { items, toSseText, wire } from 'responses-rx/testing';
import { collect } from '../support';

/**
 * The `type`s of openai-node 7.5's `ResponseStreamEvent` union (src/resources/responses/responses.ts; the OpenAPI
 * spec and openai-python agree), plus the two apply_patch events real streams send
 * (openai-apply-patch-tool.1 in ../shared/fixtures/recorded/openai).
 */
const API_EVENT_TYPES = [
  'response.audio.delta',
  'response.audio.done',
  'response.audio.transcript.delta',
  'response.audio.transcript.done',
  'response.code_interpreter_call_code.delta',
  'response.code_interpreter_call_code.done',
  'response.code_interpreter_call.completed',
  'response.code_interpreter_call.in_progress',
  'response.code_interpreter_call.interpreting',
  'response.completed',
  'response.content_part.added',
  'response.content_part.done',
  'response.created',
  'error',
  'response.file_search_call.completed',
  'response.file_search_call.in_progress',
  'response.file_search_call.searching',
  'response.function_call_arguments.delta',
  'response.function_call_arguments.done',
  'response.shell_call_command.added',
  'response.shell_call_command.delta',
  'response.shell_call_command.done',
  'response.shell_call_output_content.delta',
  'response.shell_call_output_content.done',
  'response.in_progress',
  'response.failed',
  'response.incomplete',
  'response.output_item.added',
  'response.output_item.done',
  'response.reasoning_summary_part.added',
  'response.reasoning_summary_part.done',
  'response.reasoning_summary_text.delta',
  'response.reasoning_summary_text.done',
  'response.reasoning_text.delta',
  'response.reasoning_text.done',
  'response.refusal.delta',
  'response.refusal.done',
  'response.output_text.delta',
  'response.output_text.done',
  'response.web_search_call.completed',
  'response.web_search_call.in_progress',
  'response.web_search_call.searching',
  'response.image_generation_call.completed',
  'response.image_generation_call.generating',
  'response.image_generation_call.in_progress',
  'response.image_generation_call.partial_image',
  'response.mcp_call_arguments.delta',
  'response.mcp_call_arguments.done',
  'response.mcp_call.completed',
  'response.mcp_call.failed',
  'response.mcp_call.in_progress',
  'response.mcp_list_tools.completed',
  'response.mcp_list_tools.failed',
  'response.mcp_list_tools.in_progress',
  'response.output_text.annotation.added',
  'response.queued',
  'response.custom_tool_call_input.delta',
  'response.custom_tool_call_input.done',
  'response.apply_patch_call_operation_diff.delta',
  'response.apply_patch_call_operation_diff.done',
] as const;

/** Types that deliberately produce no consumer event; the README's event table says why for each. */
const NO_EVENT = new Set([
  'response.content_part.added',
  'response.reasoning_summary_part.done',
  'response.audio.done',
  'response.audio.transcript.done',
]);

/** Types that end the stream with a typed error instead of an event. */
const ERRORS = new Set(['response.failed', 'response.incomplete', 'error']);

/** Types whose whole text is evidence for the fallback (`partDone`), not a consumer event. */
const EVIDENCE = new Set([
  'response.output_text.done',
  'response.content_part.done',
  'response.refusal.done',
  'response.reasoning_summary_text.done',
  'response.reasoning_text.done',
  'response.function_call_arguments.done',
  'response.custom_tool_call_input.done',
  'response.code_interpreter_call_code.done',
  'response.mcp_call_arguments.done',
  'response.shell_call_command.done',
  'response.shell_call_output_content.done',
  'response.apply_patch_call_operation_diff.done',
]);

/** A minimal valid event of `type`. */
function minimal(type: string): Record<string, unknown> {
  const base: Record<string, unknown> = { type, item_id: 'it_1', output_index: 0 };
  const response = { id: 'resp_1', status: 'completed', output: [] };
  const fields: Record<string, Record<string, unknown>> = {
    'response.output_item.added': { item: { type: 'message', id: 'm' } },
    'response.output_item.done': { item: { type: 'message', id: 'm' } },
    'response.content_part.added': { part: { type: 'output_text', text: '' } },
    'response.content_part.done': { part: { type: 'output_text', text: 'a' } },
    'response.output_text.annotation.added': { annotation: { type: 'url_citation', url: 'u' } },
    'response.image_generation_call.partial_image': { partial_image_b64: 'AA' },
    'response.shell_call_output_content.delta': { delta: { stdout: 'a' } },
    'response.shell_call_output_content.done': { output: [] },
    'response.refusal.done': { refusal: 'no' },
    'response.code_interpreter_call_code.done': { code: 'c' },
    'response.mcp_call_arguments.done': { arguments: '{}' },
    'response.function_call_arguments.done': { arguments: '{}' },
    'response.custom_tool_call_input.done': { input: 'i' },
    'response.apply_patch_call_operation_diff.done': { diff: '+' },
    'response.shell_call_command.added': { command: '' },
    'response.shell_call_command.done': { command: 'ls' },
  };
  if (
    type.startsWith('response.') &&
    ['created', 'queued', 'in_progress', 'completed', 'failed', 'incomplete'].includes(type.slice(9))
  ) {
    return { type, response };
  }
  if (type.endsWith('.delta') && fields[type] === undefined) return { ...base, delta: 'd' };
  if (type.endsWith('.done') && fields[type] === undefined) return { ...base, text: 't' };
  return { ...base, ...fields[type] };
}

describe('event types', () => {
  it('knows every event type of the current API and no other', () => {
    expect(API_EVENT_TYPES).toHaveLength(60);
    for (const type of API_EVENT_TYPES) expect(isKnownWireEventType(type)).toBe(true);
    // response.cancelled: sent by servers that end a cancelled background response's stream with an event;
    // response.done: sent instead of response.completed by gateways relaying a Codex backend (issue 10, input 6).
    expect(Object.keys(wireEventSchemas).sort()).toEqual(
      [...API_EVENT_TYPES, 'response.cancelled', 'response.done'].sort(),
    );
  });

  it.each(API_EVENT_TYPES.map((type) => [type]))(
    '%s becomes a typed event, evidence, an error, or nothing by design',
    (type) => {
      let result: ReturnType<typeof normalizeWireEvent>;
      try {
        result = normalizeWireEvent(minimal(type) as unknown as WireEvent);
      } catch {
        expect(ERRORS.has(type)).toBe(true);
        return;
      }
      expect(ERRORS.has(type)).toBe(false);
      if (NO_EVENT.has(type)) expect(result).toBeUndefined();
      else if (EVIDENCE.has(type)) expect(result?.type).toBe('partDone');
      else {
        expect(result).toBeDefined();
        expect(result?.type).not.toBe('partDone');
      }
    },
  );

  it('lists every event type with its wire source in the README event table', () => {
    const readme = readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('## Events'), readme.indexOf('## How data flows'));
    // Backticked names, `response.` omitted, `a.{b,c}` standing for `a.b` and `a.c`.
    const listed = new Set(
      [...table.matchAll(/`([a-z_.]+)(?:\{([a-z_,]+)\})?`/g)].flatMap(([, head = '', tails]) =>
        (tails === undefined ? [head] : tails.split(',').map((tail) => head + tail)).map((name) =>
          name === 'error' ? name : `response.${name}`,
        ),
      ),
    );
    expect(API_EVENT_TYPES.filter((type) => !listed.has(type))).toEqual([]);
  });

  describe('an event type newer than the library', () => {
    const future = { type: 'response.hologram.delta', item_id: 'h_1', delta: 'x' };
    const stream = toSseText([wire.created(), future, wire.completed([])]);

    it('is ignored by default', async () => {
      const result = await collect(responseEvents(stream));
      expect(result.error).toBeUndefined();
      expect(result.values.map((e) => e.type)).toEqual(['created', 'completed']);
    });

    it("is emitted as unknownEvent with unknownEvent: 'emit', never as an error", async () => {
      const result = await collect(responseEvents(stream, { unknownEvent: 'emit' }));
      expect(result.error).toBeUndefined();
      expect(result.values.map((e) => e.type)).toEqual(['created', 'unknownEvent', 'completed']);
      expect(result.values[1]).toEqual({ type: 'unknownEvent', wireType: 'response.hologram.delta', event: future });
    });
  });
});

describe('testing builders', () => {
  /** The `type`s of openai-node 7.5's `ResponseOutputItem` union (src/resources/responses/responses.ts). */
  const ITEM_TYPES = [
    'message',
    'file_search_call',
    'function_call',
    'function_call_output',
    'web_search_call',
    'computer_call',
    'computer_call_output',
    'reasoning',
    'program',
    'program_output',
    'tool_search_call',
    'tool_search_output',
    'additional_tools',
    'compaction',
    'image_generation_call',
    'code_interpreter_call',
    'local_shell_call',
    'local_shell_call_output',
    'shell_call',
    'shell_call_output',
    'apply_patch_call',
    'apply_patch_call_output',
    'mcp_call',
    'mcp_list_tools',
    'mcp_approval_request',
    'mcp_approval_response',
    'custom_tool_call',
    'custom_tool_call_output',
  ];

  it('build an item of every output item type, each a valid wire item', () => {
    const built = [
      items.message('m', 'a'),
      items.annotatedMessage('m', 'a', [{ type: 'url_citation', url: 'u' }], 'final_answer'),
      items.refusal('m', 'no'),
      items.reasoning('r', 's'),
      items.encryptedReasoning('r', 'blob', 's'),
      items.functionCall('f', 'c', 'n', '{}'),
      items.functionCallOutput('fo', 'c', 'ok'),
      items.customToolCall('t', 'c', 'n', 'i'),
      items.customToolCallOutput('to', 'c', 'ok'),
      items.webSearchCall('w', 'q', ['https://a.example']),
      items.fileSearchCall('fs', ['q'], [{ filename: 'a.pdf', score: 0.9, text: 't' }]),
      items.computerCall('cc', 'c', [{ type: 'click', x: 1, y: 2 }]),
      items.computerCallOutput('cco', 'c', 'data:image/png;base64,AA'),
      items.imageGenerationCall('ig', 'AA', { size: '1024x1024' }),
      items.codeInterpreterCall('ci', 'print(1)', ['1\n']),
      items.localShellCall('ls', 'c', ['ls']),
      items.localShellCallOutput('lso', 'c', 'a'),
      items.shellCall('sh', 'c', ['ls']),
      items.shellCallOutput('sho', 'c', [{ stdout: 'a' }]),
      items.applyPatchCall('ap', 'c', { type: 'update_file', path: 'a', diff: '+a' }),
      items.applyPatchCallOutput('apo', 'c', 'done'),
      items.mcpCall('mc', 'srv', 'tool', '{}', { output: 'ok' }),
      items.mcpListTools('ml', 'srv', ['tool']),
      items.mcpApprovalRequest('mr', 'srv', 'tool', '{}'),
      items.mcpApprovalResponse('ma', 'mr', true),
      items.toolSearchCall('ts', { goal: 'weather' }),
      items.toolSearchOutput('tso', ['get_weather']),
      items.additionalTools('at', ['get_weather']),
      items.compaction('cp', 'blob'),
      items.program('p', 'c', 'await tools.x()'),
      items.programOutput('po', 'c', '{}'),
    ];
    expect([...new Set(built.map((item) => item.type))].sort()).toEqual([...ITEM_TYPES].sort());
    for (const item of built) expect(wireItemSchema.safeParse(item).success).toBe(true);
  });
});
