/**
 * Output items in the canonical wire shape, built from a few strings: the demo conversation is made of them, and the
 * testing kit re-exports them (`items` from `responses-rx/testing`).
 *
 * @module
 */
import type { WireItem } from '../wire/schemas';

/** Output items in the canonical wire shape. */
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
  /** A reasoning item with one `summary_text` part per summary. */
  reasoning(id: string, ...summaries: string[]): WireItem {
    return { type: 'reasoning', id, summary: summaries.map((text) => ({ type: 'summary_text', text })) };
  },
  /** A completed function call. */
  functionCall(id: string, callId: string, name: string, args: string): WireItem {
    return { type: 'function_call', id, call_id: callId, name, arguments: args, status: 'completed' };
  },
  /** A completed custom tool call. */
  customToolCall(id: string, callId: string, name: string, input: string): WireItem {
    return { type: 'custom_tool_call', id, call_id: callId, name, input, status: 'completed' };
  },
};
