/**
 * What the embedded server logs: one entry per request, per event sent and per answer finished, each with a
 * ready-to-print line.
 *
 * @module
 */
import type { RequestSummary, ServerMode } from './summary';

/** One log entry; `message` is a ready-to-print line. */
export type ServerLogEntry =
  | {
      readonly kind: 'request';
      readonly requestId: number;
      readonly model: string | undefined;
      readonly mode: ServerMode;
      readonly message: string;
    }
  | { readonly kind: 'event'; readonly requestId: number; readonly eventType: string; readonly message: string }
  | { readonly kind: 'end'; readonly requestId: number; readonly summary: RequestSummary; readonly message: string };

/**
 * The line logged when a request arrives: its route (`POST /responses`, `GET /responses/ID`, …) and, for a create
 * body, its model.
 */
export function describeRequest(
  requestId: number,
  model: string | undefined,
  mode: ServerMode,
  shape: string,
  route = CREATE_ROUTE,
  hasBody = true,
): string {
  return `#${requestId} ${route}${hasBody ? ` model=${model ?? '(none)'}` : ''} (${mode}, shape ${shape})`;
}

/** How the log names a create request, over HTTP or a WebSocket. */
export const CREATE_ROUTE = 'POST /responses';

/** The line logged for each event sent. */
export function describeEvent(requestId: number, eventType: string): string {
  return `#${requestId} → ${eventType}`;
}

/** The lines logged when an answer is over: how it ended, the event types, and the text and reasoning read. */
export function describeSummary(summary: RequestSummary): string {
  const lines = [
    `#${summary.requestId} ${summary.outcome} (HTTP ${summary.status}, ${summary.eventTypes.length} events` +
      `${summary.completed ? ', completed' : ''}): ${compressTypes(summary.eventTypes)}`,
  ];
  if (summary.reasoningSummary) lines.push(`#${summary.requestId} reasoning: ${summary.reasoningSummary}`);
  if (summary.text) lines.push(`#${summary.requestId} text: ${summary.text}`);
  return lines.join('\n');
}

/** `a, b, b, b, c` → `a, b ×3, c`. */
function compressTypes(types: readonly string[]): string {
  const runs: { type: string; count: number }[] = [];
  for (const type of types) {
    const last = runs[runs.length - 1];
    if (last !== undefined && last.type === type) last.count += 1;
    else runs.push({ type, count: 1 });
  }
  return runs.map((run) => (run.count > 1 ? `${run.type} ×${run.count}` : run.type)).join(', ') || '(none)';
}
