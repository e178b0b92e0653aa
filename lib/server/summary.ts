/**
 * What the embedded server tells about each answer it sent: the event types, and the assistant text and reasoning
 * summary a client reads from them (computed with responses-rx's own pipeline, so it is what `responseEvents` sees).
 *
 * @module
 */
import { Subject } from 'rxjs';
import type { ResponseEvent } from '../events';
import { responseEvents } from '../responseEvents';
import type { WireItem } from '../wire/schemas';

/** What a client can read from the events sent so far. */
export interface StreamDigest {
  /** The `type` of every event sent, in order (raw non-JSON data counts as `'(raw)'`). */
  readonly eventTypes: readonly string[];
  /** The assistant messages' text, messages separated by a blank line. */
  readonly text: string;
  /** The reasoning summaries, items separated by a blank line. */
  readonly reasoningSummary: string;
  /** True when `response.completed` was sent. */
  readonly completed: boolean;
}

/**
 * Accumulates the SSE text an answer is made of, and digests it on demand.
 *
 * @internal
 */
export class StreamDigester {
  private readonly bytes = new Subject<string>();
  private readonly eventTypes: string[] = [];
  private readonly parts = new Map<string, { kind: 'text' | 'reasoning'; text: string }>();
  private completed = false;

  constructor() {
    responseEvents(this.bytes, { onMalformed: 'skip', idleTimeoutMs: Infinity }).subscribe({
      next: (event) => this.read(event),
      error: () => undefined, // a protocol error ends the digest; what was read so far stays
    });
  }

  /** Records one event sent: its type, and its SSE text. */
  push(eventType: string, sseText: string): void {
    this.eventTypes.push(eventType);
    this.bytes.next(sseText);
  }

  /** The digest of everything pushed so far. */
  digest(): StreamDigest {
    const join = (kind: 'text' | 'reasoning'): string =>
      [...this.parts.values()]
        .filter((part) => part.kind === kind)
        .map((part) => part.text)
        .join('\n\n');
    return {
      eventTypes: [...this.eventTypes],
      text: join('text'),
      reasoningSummary: join('reasoning'),
      completed: this.completed,
    };
  }

  private read(event: ResponseEvent): void {
    switch (event.type) {
      case 'outputTextDelta':
        this.append(`${event.itemId ?? event.outputIndex}`, 'text', event.delta);
        break;
      case 'reasoningSummaryDelta':
        this.append(`${event.itemId ?? event.outputIndex}`, 'reasoning', event.delta);
        break;
      case 'outputItemDone': {
        const whole = itemText(event.item);
        if (whole !== undefined) this.parts.set(`${event.item.id ?? event.outputIndex}`, whole);
        break;
      }
      case 'completed':
        this.completed = true;
        break;
      default:
        break;
    }
  }

  private append(key: string, kind: 'text' | 'reasoning', delta: string): void {
    const part = this.parts.get(key);
    if (part === undefined) this.parts.set(key, { kind, text: delta });
    else part.text += delta;
  }
}

function itemText(item: WireItem): { kind: 'text' | 'reasoning'; text: string } | undefined {
  const texts = (parts: unknown, type: string, separator = ''): string =>
    (Array.isArray(parts) ? parts : [])
      .filter((part: { type?: unknown; text?: unknown }) => part?.type === type && typeof part.text === 'string')
      .map((part: { text: string }) => part.text)
      .join(separator);
  if (item.type === 'message') return { kind: 'text', text: texts(item['content'], 'output_text') };
  if (item.type === 'reasoning') return { kind: 'reasoning', text: texts(item['summary'], 'summary_text', '\n\n') };
  return undefined;
}

/** Where the server's answers come from. */
export type ServerMode = 'replay' | 'passthrough' | 'repair';

/**
 * How an answer ended:
 * - `finished`: the server sent everything it meant to and ended the response (a `drop-completed` fault included);
 * - `client-closed`: the client closed the connection first (it aborted, or went away);
 * - `server-closed`: `server.close()` (e.g. Ctrl-C on `responses-rx serve`) ended the answer before it was over;
 * - `rejected`: answered with a non-2xx status (bad request, unknown model, `http-error` fault, relayed upstream error);
 * - `upstream-failed`: passthrough only, the upstream stream broke mid-way (the client's connection is reset too; in
 *   repair mode the client gets an `error` event instead and the answer is `finished`);
 * - `dropped`: a `drop-after` or `reset-after` fault cut the connection mid-answer.
 */
export type RequestOutcome =
  'finished' | 'client-closed' | 'server-closed' | 'rejected' | 'upstream-failed' | 'dropped';

/** What the server did for one `POST /responses`. */
export interface RequestSummary extends StreamDigest {
  /** 1, 2, 3… in arrival order. */
  readonly requestId: number;
  /** The request's `model`, when it had one. */
  readonly model: string | undefined;
  readonly mode: ServerMode;
  /** The HTTP status sent. */
  readonly status: number;
  readonly outcome: RequestOutcome;
}
