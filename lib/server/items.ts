/**
 * Output items in the canonical wire shape, one builder per item type: the demo conversation is made of them, and the
 * testing kit re-exports them (`items` from `responses-rx/testing`).
 *
 * @module
 */
import type { WireItem } from '../wire/schemas';

/** An `output_text` annotation: a `url_citation` by default. */
export interface AnnotationJson {
  readonly type: string;
  readonly [key: string]: unknown;
}

/**
 * Output items in the canonical wire shape, one builder per item type of the Responses API (the `ResponseOutputItem`
 * union of openai-node 7.5 and the OpenAPI spec).
 */
export const items = {
  /** A completed assistant message with one `output_text` part per text. */
  message(id: string, ...texts: string[]): WireItem {
    return {
      type: 'message',
      id,
      role: 'assistant',
      status: 'completed',
      content: texts.map((text) => ({ type: 'output_text', text, annotations: [] })),
    };
  },
  /** A completed assistant message with one `output_text` part, its annotations and (optionally) its `phase`. */
  annotatedMessage(
    id: string,
    text: string,
    annotations: readonly AnnotationJson[],
    phase?: 'commentary' | 'final_answer',
  ): WireItem {
    return {
      type: 'message',
      id,
      role: 'assistant',
      status: 'completed',
      content: [{ type: 'output_text', text, annotations: [...annotations] }],
      ...(phase === undefined ? {} : { phase }),
    };
  },
  /** A completed assistant message whose content is one `refusal` part. */
  refusal(id: string, refusal: string): WireItem {
    return { type: 'message', id, role: 'assistant', status: 'completed', content: [{ type: 'refusal', refusal }] };
  },
  /** A reasoning item with one `summary_text` part per summary. */
  reasoning(id: string, ...summaries: string[]): WireItem {
    return { type: 'reasoning', id, summary: summaries.map((text) => ({ type: 'summary_text', text })) };
  },
  /** A reasoning item with an `encrypted_content` blob (what `include: ["reasoning.encrypted_content"]` returns). */
  encryptedReasoning(id: string, encryptedContent: string, ...summaries: string[]): WireItem {
    return { ...items.reasoning(id, ...summaries), encrypted_content: encryptedContent };
  },
  /** A completed function call. */
  functionCall(id: string, callId: string, name: string, args: string): WireItem {
    return { type: 'function_call', id, call_id: callId, name, arguments: args, status: 'completed' };
  },
  /** The output of a function call, as the client sends it back (or a server echoes it). */
  functionCallOutput(id: string, callId: string, output: string): WireItem {
    return { type: 'function_call_output', id, call_id: callId, output, status: 'completed' };
  },
  /** A completed custom tool call. */
  customToolCall(id: string, callId: string, name: string, input: string): WireItem {
    return { type: 'custom_tool_call', id, call_id: callId, name, input, status: 'completed' };
  },
  /** The output of a custom tool call. */
  customToolCallOutput(id: string, callId: string, output: string): WireItem {
    return { type: 'custom_tool_call_output', id, call_id: callId, output };
  },
  /** A completed web search with its query and the sources it read. */
  webSearchCall(id: string, query: string, sources: readonly string[] = []): WireItem {
    return {
      type: 'web_search_call',
      id,
      status: 'completed',
      action: { type: 'search', query, sources: sources.map((url) => ({ type: 'url', url })) },
    };
  },
  /** A completed file search with its queries and results (`filename`, `score`, `text`). */
  fileSearchCall(
    id: string,
    queries: readonly string[],
    results: readonly { filename: string; score?: number; text?: string; file_id?: string }[] = [],
  ): WireItem {
    return { type: 'file_search_call', id, status: 'completed', queries: [...queries], results: [...results] };
  },
  /** A computer-use call with its actions. */
  computerCall(id: string, callId: string, actions: readonly Record<string, unknown>[]): WireItem {
    return {
      type: 'computer_call',
      id,
      call_id: callId,
      status: 'completed',
      actions: [...actions],
      pending_safety_checks: [],
    };
  },
  /** The screenshot a client sends back for a computer call. */
  computerCallOutput(id: string, callId: string, imageUrl: string): WireItem {
    return {
      type: 'computer_call_output',
      id,
      call_id: callId,
      status: 'completed',
      output: { type: 'computer_screenshot', image_url: imageUrl },
    };
  },
  /** A finished image generation call; `result` is the base64 image. */
  imageGenerationCall(
    id: string,
    result: string | null,
    options: { size?: string; outputFormat?: string; revisedPrompt?: string; status?: string } = {},
  ): WireItem {
    return {
      type: 'image_generation_call',
      id,
      status: options.status ?? 'completed',
      result,
      ...(options.size === undefined ? {} : { size: options.size }),
      ...(options.outputFormat === undefined ? {} : { output_format: options.outputFormat }),
      ...(options.revisedPrompt === undefined ? {} : { revised_prompt: options.revisedPrompt }),
    };
  },
  /** A finished code interpreter call with its code and outputs (`logs` or `image` entries). */
  codeInterpreterCall(id: string, code: string, logs: readonly string[] = [], containerId = 'cntr_1'): WireItem {
    return {
      type: 'code_interpreter_call',
      id,
      status: 'completed',
      code,
      container_id: containerId,
      outputs: logs.map((text) => ({ type: 'logs', logs: text })),
    };
  },
  /** A local shell call (the `local_shell` tool) with its command vector. */
  localShellCall(id: string, callId: string, command: readonly string[]): WireItem {
    return {
      type: 'local_shell_call',
      id,
      call_id: callId,
      status: 'completed',
      action: { type: 'exec', command: [...command], env: {} },
    };
  },
  /** The output of a local shell call. */
  localShellCallOutput(id: string, callId: string, output: string): WireItem {
    return { type: 'local_shell_call_output', id, call_id: callId, output, status: 'completed' };
  },
  /** A shell call (the `shell` tool) with its commands. */
  shellCall(id: string, callId: string, commands: readonly string[]): WireItem {
    return {
      type: 'shell_call',
      id,
      call_id: callId,
      status: 'completed',
      action: { commands: [...commands], max_output_length: null, timeout_ms: null },
    };
  },
  /** The output of a shell call: one entry per command. */
  shellCallOutput(
    id: string,
    callId: string,
    outputs: readonly { stdout?: string; stderr?: string; exitCode?: number }[],
  ): WireItem {
    return {
      type: 'shell_call_output',
      id,
      call_id: callId,
      status: 'completed',
      max_output_length: null,
      output: outputs.map((out) => ({
        stdout: out.stdout ?? '',
        stderr: out.stderr ?? '',
        outcome: { type: 'exit', exit_code: out.exitCode ?? 0 },
      })),
    };
  },
  /** An apply_patch call: one file operation (`create_file`, `update_file` with a `diff`, `delete_file`). */
  applyPatchCall(id: string, callId: string, operation: { type: string; path: string; diff?: string }): WireItem {
    return { type: 'apply_patch_call', id, call_id: callId, status: 'completed', operation: { ...operation } };
  },
  /** The result of an apply_patch call. */
  applyPatchCallOutput(
    id: string,
    callId: string,
    output: string,
    status: 'completed' | 'failed' = 'completed',
  ): WireItem {
    return { type: 'apply_patch_call_output', id, call_id: callId, status, output };
  },
  /** A call of a tool on a remote MCP server; `error` set means it failed. */
  mcpCall(
    id: string,
    serverLabel: string,
    name: string,
    args: string,
    result: { output?: string; error?: string | Record<string, unknown>; approvalRequestId?: string } = {},
  ): WireItem {
    return {
      type: 'mcp_call',
      id,
      status: result.error === undefined ? 'completed' : 'failed',
      server_label: serverLabel,
      name,
      arguments: args,
      output: result.output ?? null,
      error: result.error ?? null,
      approval_request_id: result.approvalRequestId ?? null,
    };
  },
  /** The tools an MCP server offers. */
  mcpListTools(id: string, serverLabel: string, toolNames: readonly string[], error?: string): WireItem {
    return {
      type: 'mcp_list_tools',
      id,
      server_label: serverLabel,
      tools: toolNames.map((name) => ({ name, input_schema: { type: 'object' } })),
      ...(error === undefined ? {} : { error }),
    };
  },
  /** A request for the user's approval before an MCP tool runs. */
  mcpApprovalRequest(id: string, serverLabel: string, name: string, args: string): WireItem {
    return { type: 'mcp_approval_request', id, server_label: serverLabel, name, arguments: args };
  },
  /** The user's answer to an approval request. */
  mcpApprovalResponse(id: string, approvalRequestId: string, approve: boolean, reason?: string): WireItem {
    return {
      type: 'mcp_approval_response',
      id,
      approval_request_id: approvalRequestId,
      approve,
      reason: reason ?? null,
    };
  },
  /** A tool search call (`execution: 'server'` or `'client'`). */
  toolSearchCall(
    id: string,
    args: unknown,
    execution: 'server' | 'client' = 'server',
    callId: string | null = null,
  ): WireItem {
    return { type: 'tool_search_call', id, status: 'completed', arguments: args, call_id: callId, execution };
  },
  /** The tools a tool search found. */
  toolSearchOutput(id: string, toolNames: readonly string[], execution: 'server' | 'client' = 'server'): WireItem {
    return {
      type: 'tool_search_output',
      id,
      status: 'completed',
      call_id: null,
      execution,
      tools: toolNames.map((name) => ({ type: 'function', name })),
    };
  },
  /** Tools added to the conversation by the server (`additional_tools`). */
  additionalTools(id: string, toolNames: readonly string[]): WireItem {
    return {
      type: 'additional_tools',
      id,
      role: 'developer',
      tools: toolNames.map((name) => ({ type: 'function', name })),
    };
  },
  /** A compaction item: the earlier conversation, compacted and encrypted. */
  compaction(id: string, encryptedContent: string): WireItem {
    return { type: 'compaction', id, encrypted_content: encryptedContent };
  },
  /** A program (programmatic tool calling): code that calls tools. */
  program(id: string, callId: string, code: string): WireItem {
    return { type: 'program', id, call_id: callId, code };
  },
  /** The result of a program. */
  programOutput(id: string, callId: string, result: string): WireItem {
    return { type: 'program_output', id, call_id: callId, result, status: 'completed' };
  },
};
