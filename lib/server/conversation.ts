/**
 * The bundled demo conversation: three turns of a reasoning model, as wire events, so the embedded server can replay
 * a realistic multi-turn exchange with no recording and no upstream. A TS module, so it ships in `dist` as is.
 *
 * @module
 */
import type { WireJson } from '../wire/json';
import { items } from './items';
import { streamedEvents } from './shapes';
import type { WireItem } from '../wire/schemas';

/** One turn of the demo: what the user said, and the response the model gave. */
export interface DemoTurn {
  /** The user's message (or, for a turn answering a tool call, a description of its input). */
  readonly user: string;
  /** The response id, `resp_demo_<n>`. */
  readonly responseId: string;
  /** The model used for the turn, `demo-turn-<n>`: requesting it selects the turn. */
  readonly model: string;
  /** The response's output items: a reasoning item with a summary, an assistant message, and maybe a tool call. */
  readonly output: readonly WireItem[];
}

const usage = (input: number, output: number, reasoning: number): Record<string, unknown> => ({
  input_tokens: input,
  input_tokens_details: { cached_tokens: 0 },
  output_tokens: output,
  output_tokens_details: { reasoning_tokens: reasoning },
  total_tokens: input + output,
});

/**
 * The demo conversation, in order: (1) a question answered after reasoning, (2) a question that makes the model call
 * a `get_weather` function, (3) the answer once the function's output is sent back.
 */
export const DEMO_CONVERSATION: readonly DemoTurn[] = [
  {
    user: 'What is an Observable, in one sentence?',
    responseId: 'resp_demo_1',
    model: 'demo-turn-1',
    output: [
      items.reasoning(
        'rs_demo_1',
        'The user wants a one-sentence definition of an Observable, so I will describe it as a lazy stream of values over time.',
      ),
      items.message(
        'msg_demo_1',
        'An Observable is a lazy, cancellable stream of values over time: nothing happens until you subscribe, and unsubscribing stops the work.',
      ),
    ],
  },
  {
    user: 'Is it raining in Paris right now?',
    responseId: 'resp_demo_2',
    model: 'demo-turn-2',
    output: [
      items.reasoning('rs_demo_2', 'Current weather needs live data, so I should call the get_weather tool for Paris.'),
      items.message('msg_demo_2', 'Let me check the current weather in Paris.'),
      items.functionCall('fc_demo_2', 'call_demo_weather', 'get_weather', '{"city":"Paris","unit":"celsius"}'),
    ],
  },
  {
    user: 'get_weather output: {"city":"Paris","condition":"light rain","temperature":14}',
    responseId: 'resp_demo_3',
    model: 'demo-turn-3',
    output: [
      items.reasoning(
        'rs_demo_3',
        'The tool reports light rain at 14 °C in Paris, so the answer is yes, with the temperature.',
      ),
      items.message(
        'msg_demo_3',
        'Yes — there is light rain in Paris right now, and it is 14 °C. Take an umbrella! ☔',
      ),
    ],
  },
];

const USAGE: readonly Record<string, unknown>[] = [usage(24, 58, 24), usage(61, 49, 21), usage(118, 41, 18)];

/**
 * The full stream (as OpenAI sends it, every delta included) of one demo turn.
 *
 * ## Example
 * ```ts
 * import { demoTurnEvents } from 'responses-rx/server';
 * import { toSseText } from 'responses-rx/testing';
 *
 * const sse = toSseText(demoTurnEvents(0));
 * ```
 *
 * @param index the 0-based turn index, from 0 to `DEMO_CONVERSATION.length - 1`.
 * @returns the turn's wire events, each with a `sequence_number`.
 * @throws RangeError when there is no such turn.
 */
export function demoTurnEvents(index: number): WireJson[] {
  const turn = DEMO_CONVERSATION[index];
  if (!Number.isInteger(index) || turn === undefined) {
    throw new RangeError(`demoTurnEvents: no turn ${index}; the demo has turns 0 to ${DEMO_CONVERSATION.length - 1}`);
  }
  return streamedEvents(turn.output, { responseId: turn.responseId, usage: USAGE[index] ?? {} });
}

/**
 * Which demo turn a request continues, so a client replaying the conversation gets each turn in order:
 * 1. the model `demo-turn-<n>` selects turn n (1-based);
 * 2. else `previous_response_id: 'resp_demo_<n>'` selects the turn after n;
 * 3. else the number of user messages and function-call outputs in `input` (a string input counts 1) is the turn.
 *
 * The result is clamped to the turns that exist.
 *
 * ## Example
 * ```ts
 * import { demoTurnIndex } from 'responses-rx/server';
 *
 * demoTurnIndex({ model: 'demo', input: 'hi' }); // 0
 * demoTurnIndex({ model: 'demo-turn-3' }); // 2
 * ```
 *
 * @param request the parsed request body.
 * @returns the 0-based turn index.
 */
export function demoTurnIndex(request: {
  readonly model?: unknown;
  readonly previous_response_id?: unknown;
  readonly input?: unknown;
}): number {
  const last = DEMO_CONVERSATION.length - 1;
  const clamp = (index: number): number => Math.min(Math.max(index, 0), last);
  const byModel = typeof request.model === 'string' ? /^demo-turn-(\d+)$/.exec(request.model) : null;
  if (byModel) return clamp(Number(byModel[1]) - 1);
  const previous = DEMO_CONVERSATION.findIndex((turn) => turn.responseId === request.previous_response_id);
  if (previous >= 0) return clamp(previous + 1);
  if (typeof request.input === 'string') return 0;
  if (!Array.isArray(request.input)) return 0;
  const asked = request.input.filter((entry: unknown) => {
    if (typeof entry !== 'object' || entry === null) return false;
    const record = entry as { role?: unknown; type?: unknown };
    return record.role === 'user' || record.type === 'function_call_output';
  }).length;
  return clamp(asked - 1);
}
