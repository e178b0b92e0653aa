/**
 * One `response.create` of a WebSocket and its answer: the same shape, faults, log and summary as over HTTP
 * (`./exchange`), each event sent as one JSON text message carrying the request's `stream_id`.
 *
 * @module
 */
import type { Socket } from 'node:net';
import type { Observable } from 'rxjs';
import type { WebSocket } from 'ws';
import type { WireJson } from '../wire/json';
import { type Exchange, sendShaped, streamOutcome } from './exchange';
import { faultStep } from './faults';
import type { ServerConfig } from './options';
import type { ResponsesRequest } from './replay';
import { RequestRecord } from './requestRecord';
import type { RequestOutcome } from './summary';

/** Above this many bytes queued on the socket, the next event waits until its message is written. */
const HIGH_WATER_BYTES = 1024 * 1024;

/** One request of a WebSocket lane and its answer. */
export class SocketExchange implements Exchange {
  private readonly record: RequestRecord;
  private sent = 0;
  private dropped = false;

  /**
   * @param ws the WebSocket.
   * @param tcp its TCP socket, which the `drop-after` and `reset-after` faults cut.
   * @param streamId the lane, echoed as `stream_id` in every event of the answer.
   */
  constructor(
    private readonly config: ServerConfig,
    requestId: number,
    private readonly ws: WebSocket,
    private readonly tcp: Socket,
    private readonly streamId: string | undefined,
  ) {
    this.record = new RequestRecord(config, requestId);
  }

  private get clientClosed(): boolean {
    return this.ws.readyState !== this.ws.OPEN;
  }

  begin(body?: ResponsesRequest): void {
    this.record.begin(body);
  }

  onClientClose(handler: () => void): void {
    if (this.clientClosed) handler();
    else this.ws.once('close', handler);
  }

  /** Answers with an `error` event: `{ type: 'error', status, error: { type, code, message, param } }`. */
  reject(
    status: number,
    type: string,
    code: string,
    message: string,
    _headers: Record<string, string> = {},
    param: string | null = null,
  ): void {
    this.sendJson({ type: 'error', status, error: { type, code, message, param } });
    this.end(status, 'rejected');
  }

  /** Only a background request answers with JSON, and a socket refuses those before they get here. */
  json(): void {
    this.reject(400, 'invalid_request_error', 'unsupported_parameter', 'Not available over a WebSocket.');
  }

  /** An upstream error answer, as an `error` event with its status and error object. */
  relay(status: number, _headers: Record<string, string>, body: string): void {
    let error: unknown;
    try {
      error = (JSON.parse(body) as { error?: unknown }).error;
    } catch {
      error = undefined;
    }
    const ok = status >= 200 && status < 300;
    this.sendJson({
      type: 'error',
      status: ok ? 502 : status,
      error:
        typeof error === 'object' && error !== null
          ? error
          : { type: 'server_error', code: 'upstream_error', message: body.slice(0, 500), param: null },
    });
    this.end(status, ok ? 'finished' : 'rejected');
  }

  /** A socket always streams: the whole-response answer is the stream. */
  respondWhole(events$: Observable<WireJson | string>): Promise<void> {
    return this.stream(events$);
  }

  async stream(events$: Observable<WireJson | string>, shaped = false): Promise<void> {
    const outcome = await sendShaped(
      events$,
      shaped ? undefined : this.config,
      () => this.clientClosed,
      (event) => this.send(event),
    );
    const ended = streamOutcome(outcome, this.dropped, this.clientClosed, this.config.lifecycle.closing);
    if (ended === 'upstream-failed') {
      this.sendJson({
        type: 'error',
        status: 502,
        error: { type: 'server_error', code: 'upstream_failed', message: 'The upstream stream failed.', param: null },
      });
    }
    this.end(200, ended);
  }

  /**
   * Sends one event: true (at once) when the next may follow, false when the answer must stop here, a promise of
   * either when the socket's buffer is full or a fault waits.
   */
  private send(event: WireJson | string): boolean | Promise<boolean> {
    const eventType = typeof event === 'string' ? '(raw)' : event.type;
    const step = faultStep(this.config.faults, this.sent, eventType);
    if (step.action === 'drop-completed') {
      // A socket has no end of one response but its terminal event: the early end is the socket's.
      this.dropped = true;
      this.ws.close(1011, 'response ended before response.completed (drop-completed fault)');
      return false;
    }
    if (step.action === 'stall') return new Promise<boolean>((resolve) => this.onClientClose(() => resolve(false)));
    if (step.action !== 'send') {
      this.dropped = true;
      if (step.action === 'drop-after') this.tcp.end();
      else this.tcp.resetAndDestroy();
      return false;
    }
    // `chunk` has no meaning here: a message arrives whole.
    let data =
      typeof event === 'string' ? event : JSON.stringify(this.streamId === undefined ? event : this.withLane(event));
    if (step.malformed) data = data.slice(0, -1);
    this.sent += 1;
    this.record.sent(eventType, `data: ${data}\n\n`);
    const written = this.write(data);
    return written === undefined ? !this.clientClosed : written.then(() => !this.clientClosed);
  }

  private withLane(event: WireJson): WireJson {
    return { ...event, stream_id: this.streamId };
  }

  private sendJson(message: Record<string, unknown>): void {
    if (this.clientClosed) return;
    this.ws.send(JSON.stringify(this.streamId === undefined ? message : { ...message, stream_id: this.streamId }));
  }

  private write(data: string): Promise<void> | undefined {
    if (this.clientClosed) return undefined;
    if (this.ws.bufferedAmount < HIGH_WATER_BYTES) {
      this.ws.send(data);
      return undefined;
    }
    return new Promise<void>((resolve) => this.ws.send(data, () => resolve()));
  }

  private end(status: number, outcome: RequestOutcome): void {
    this.record.end(status, outcome);
  }
}
