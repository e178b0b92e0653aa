/**
 * One request and its answer: the SSE framing, the provider shape and the faults applied event by event, the log,
 * and the summary of how the answer ended.
 *
 * @module
 */
import type { ServerResponse } from 'node:http';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { type Observable, type Subscription, concatMap, defer, lastValueFrom, takeWhile } from 'rxjs';
import type { WireJson } from '../wire/json';
import { faultStep } from './faults';
import { sendJsonError } from './http';
import type { ServerConfig } from './options';
import type { ResponsesRequest } from './replay';
import { createShaper } from './shapes';
import { RequestRecord } from './requestRecord';
import type { RequestOutcome } from './summary';

/**
 * The most bytes one `write` hands the HTTP response: a larger frame (an `output_item.done` or `response.completed`
 * holding a 2 MB answer) goes in pieces of this size, each after the previous one drained when the socket is full.
 */
export const MAX_WRITE_BYTES = 64 * 1024;

/** A frame of at most this many UTF-16 code units is at most {@link MAX_WRITE_BYTES} bytes in UTF-8. */
const MAX_WHOLE_FRAME_LENGTH = Math.floor(MAX_WRITE_BYTES / 3);

/** The events whose `response` is the final Response object of a request without `stream: true`. */
const WHOLE_RESPONSE_EVENTS = new Set(['response.completed', 'response.failed', 'response.incomplete']);

/**
 * What the answering parts (`answerReplay`, `answerPassthrough`, `answerRepair`, `answerStored`, `upstream`) need of
 * one request's answer, whatever carries it: an HTTP response ({@link HttpExchange}) or a WebSocket lane
 * (`SocketExchange`).
 */
export interface Exchange {
  /** Logs the request (with the model of a create body); a request that ends without it is logged as it ends. */
  begin(body?: ResponsesRequest): void;
  /** Runs `handler` when the client goes away before the answer is over (at once when it has gone already). */
  onClientClose(handler: () => void): void;
  /** Answers with an error in the Responses API's error shape. */
  reject(
    status: number,
    type: string,
    code: string,
    message: string,
    headers?: Record<string, string>,
    param?: string | null,
  ): void;
  /** Answers with a JSON body (a response object). */
  json(status: number, body: unknown): void;
  /** Relays an upstream answer that is not an event stream, as it is. */
  relay(status: number, headers: Record<string, string>, body: string): void;
  /** Sends the events, shaped (unless `shaped`) and with the faults applied; resolves when the answer is over. */
  stream(events$: Observable<WireJson | string>, shaped?: boolean): Promise<void>;
  /** Answers with the final Response object of the events; resolves when the answer is over. */
  respondWhole(events$: Observable<WireJson | string>): Promise<void>;
}

/** One HTTP request and its answer: applies shape and faults, frames SSE, logs, and reports how it ended. */
export class HttpExchange implements Exchange {
  private readonly record: RequestRecord;
  private readonly closeHandlers: (() => void)[] = [];
  private clientClosed = false;
  private sent = 0;
  private dropped = false;
  /** The sender waiting for `drain` (see {@link drained}). */
  private wake: (() => void) | undefined;

  constructor(
    private readonly config: ServerConfig,
    private readonly requestId: number,
    private readonly response: ServerResponse,
    route?: string,
  ) {
    this.record = new RequestRecord(config, requestId, route);
    response.on('drain', () => this.wakeUp());
    this.closeHandlers.push(() => this.wakeUp());
    response.once('close', () => {
      if (!response.writableFinished) {
        this.clientClosed = true;
        for (const handler of this.closeHandlers) handler();
      }
    });
  }

  begin(body?: ResponsesRequest): void {
    this.record.begin(body);
  }

  onClientClose(handler: () => void): void {
    if (this.clientClosed) handler();
    else this.closeHandlers.push(handler);
  }

  reject(
    status: number,
    type: string,
    code: string,
    message: string,
    headers: Record<string, string> = {},
    param: string | null = null,
  ): void {
    sendJsonError(this.response, status, type, code, message, headers, param);
    this.end(status, 'rejected');
  }

  /** Answers with a JSON body (a response object). */
  json(status: number, body: unknown): void {
    if (!this.clientClosed)
      this.response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    this.end(status, 'finished');
  }

  relay(status: number, headers: Record<string, string>, body: string): void {
    if (!this.clientClosed) this.response.writeHead(status, headers).end(body);
    this.end(status, status >= 200 && status < 300 ? 'finished' : 'rejected');
  }

  /**
   * Sends the events as SSE, shaped (unless `shaped` says they already are) and with the faults applied; resolves
   * when the answer is over.
   */
  async stream(events$: Observable<WireJson | string>, shaped = false): Promise<void> {
    const response = this.response;
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
      'x-request-id': `req_rx_${this.requestId}`,
    });
    response.flushHeaders();
    const outcome = await sendShaped(
      events$,
      shaped ? undefined : this.config,
      () => this.clientClosed,
      (event) => this.send(event),
    );
    const ended = streamOutcome(outcome, this.dropped, this.clientClosed, this.config.lifecycle.closing);
    if (ended === 'upstream-failed') response.destroy();
    else if (ended === 'finished') response.end();
    this.end(200, ended);
  }

  /**
   * Answers as the API does for a request without `stream: true`: the final Response object as JSON, read from the
   * terminal event (`response.completed`, `.failed` or `.incomplete`) of the shaped events; 500 when the events end
   * without one (a cut recording, the `drop-completed` fault) or with an `error` event. A `stall-after` fault never
   * answers. Resolves when the answer is over.
   */
  async respondWhole(events$: Observable<WireJson | string>): Promise<void> {
    const faults = this.config.faults;
    if (faults.some((fault) => fault.kind === 'stall-after')) {
      await new Promise<void>((resolve) => this.onClientClose(resolve));
      this.end(200, this.config.lifecycle.closing ? 'server-closed' : 'client-closed');
      return;
    }
    const shaper = createShaper(this.config.shape);
    const dropCompleted = faults.some((fault) => fault.kind === 'drop-completed');
    let terminal: WireJson | undefined;
    await lastValueFrom(
      defer(() => events$).pipe(
        concatMap((event) => (typeof event === 'string' ? [] : shaper(event))),
        takeWhile((event) => !(dropCompleted && event.type === 'response.completed')),
        concatMap((event) => {
          this.record.digest(event.type, `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
          if (WHOLE_RESPONSE_EVENTS.has(event.type) || event.type === 'error') terminal = event;
          return [event];
        }),
      ),
      { defaultValue: undefined },
    );
    const response = terminal?.['response'];
    if (terminal?.type === 'error' || typeof response !== 'object' || response === null) {
      const error = (terminal?.type === 'error' ? terminal : {}) as { code?: unknown; message?: unknown };
      this.reject(
        500,
        'server_error',
        typeof error.code === 'string' ? error.code : 'server_error',
        typeof error.message === 'string'
          ? error.message
          : 'The answer ended without response.completed, so there is no Response object to send.',
      );
      return;
    }
    if (!this.clientClosed) {
      this.response
        .writeHead(200, { 'content-type': 'application/json', 'x-request-id': `req_rx_${this.requestId}` })
        .end(JSON.stringify(response));
    }
    this.end(200, this.clientClosed ? 'client-closed' : 'finished');
  }

  /**
   * Sends one event: true (at once) when the next may follow, false when the answer must stop here, a promise of
   * either when the socket is full (it resolves on `drain`) or a fault waits.
   */
  private send(event: WireJson | string): boolean | Promise<boolean> {
    const eventType = typeof event === 'string' ? '(raw)' : event.type;
    const step = faultStep(this.config.faults, this.sent, eventType);
    if (step.action === 'drop-completed') return false;
    if (step.action === 'stall') return new Promise<boolean>((resolve) => this.onClientClose(() => resolve(false)));
    if (step.action !== 'send') return this.cut(step.action).then(() => false);
    let data = typeof event === 'string' ? event : JSON.stringify(event);
    if (step.malformed) data = data.slice(0, -1);
    const frame = `${typeof event === 'string' ? '' : `event: ${eventType}\n`}data: ${data}\n\n`;
    this.sent += 1;
    this.record.sent(eventType, frame);
    if (this.clientClosed) return false;
    if (step.chunkBytes === undefined && frame.length <= MAX_WHOLE_FRAME_LENGTH) {
      return this.response.write(frame) || this.drained();
    }
    return this.write(Buffer.from(frame, 'utf8'), step.chunkBytes);
  }

  /** Resolves once the response drained (true) or the client left (false). One wait at a time. */
  private drained(): Promise<boolean> {
    return new Promise<boolean>((resolve) => (this.wake = () => resolve(!this.clientClosed)));
  }

  /** Ends the wait for `drain`, if any (on `drain`, or when the client leaves). */
  private wakeUp(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /**
   * Cuts the connection mid-answer: `drop-after` closes it (FIN, after what was written), `reset-after` resets it
   * (RST). Either way the HTTP answer never ends, so the client sees its stream break.
   */
  private async cut(kind: 'drop-after' | 'reset-after'): Promise<void> {
    this.dropped = true;
    const socket = this.response.socket;
    if (socket === null) return;
    if (kind === 'drop-after') {
      socket.end();
      return;
    }
    // A reset throws away whatever is still queued: let the events already sent leave first, so that the fault cuts
    // the stream after N events rather than losing some of them.
    if (socket.writableLength > 0 || this.response.writableLength > 0) {
      await new Promise<void>((resolve) => socket.write('', () => resolve()));
    }
    socket.resetAndDestroy();
  }

  /** Writes `bytes` in pieces of `chunkSize` (the `chunk` fault) or {@link MAX_WRITE_BYTES}, minding `drain`. */
  private async write(bytes: Buffer, chunkSize: number | undefined): Promise<boolean> {
    const size = chunkSize ?? MAX_WRITE_BYTES;
    for (let start = 0; start < bytes.length; start += size) {
      if (this.clientClosed) return false;
      if (!this.response.write(bytes.subarray(start, start + size)) && !(await this.drained())) return false;
      // Each chunk leaves in its own write, so the client's reads see the split.
      if (chunkSize !== undefined) await nextTurn();
    }
    return !this.clientClosed;
  }

  private end(status: number, outcome: RequestOutcome): void {
    this.record.end(status, outcome);
  }
}

/**
 * How a stream sent by {@link sendShaped} ended, as the request's outcome: a `drop-after` fault, the client (or the
 * server closing) gone, else what `sendShaped` resolved to. Shared by the HTTP and WebSocket exchanges, which each end
 * their transport by it.
 */
export function streamOutcome(
  sent: 'finished' | 'upstream-failed',
  dropped: boolean,
  clientClosed: boolean,
  closing: boolean,
): RequestOutcome {
  if (dropped) return 'dropped';
  if (clientClosed) return closing ? 'server-closed' : 'client-closed';
  return sent;
}

/**
 * Sends `events$` to one client, one event at a time and in order: each event through the configured provider shape
 * (none when `config` is undefined: the events are shaped already), until the client leaves or `send` answers false.
 * An event is sent the moment it arrives while `send` answers at once; while it waits (a full socket, a fault), the
 * events that arrive meanwhile queue (each taken once, in constant time) and go when it answers. Resolves, once the
 * queue is sent, to `'upstream-failed'` when `events$` errored, else `'finished'`. Shared by the HTTP and WebSocket
 * exchanges.
 */
export function sendShaped(
  events$: Observable<WireJson | string>,
  config: Pick<ServerConfig, 'shape'> | undefined,
  clientClosed: () => boolean,
  send: (event: WireJson | string) => boolean | Promise<boolean>,
): Promise<'finished' | 'upstream-failed'> {
  const shaper = config ? createShaper(config.shape) : (event: WireJson) => [event];
  return new Promise((resolve) => {
    const queue: (WireJson | string | undefined)[] = [];
    let head = 0;
    let busy = false; // sending (a loop below is running, or `send` is waiting)
    let ended: 'finished' | 'upstream-failed' | undefined;
    let stopped = false;
    let subscription: Subscription | undefined;
    const stop = (outcome: 'finished' | 'upstream-failed'): void => {
      if (stopped) return;
      stopped = true;
      queue.length = 0;
      subscription?.unsubscribe();
      resolve(outcome);
    };
    const pump = (): void => {
      busy = true;
      while (!stopped) {
        if (head === queue.length) {
          queue.length = head = 0;
          busy = false;
          if (ended !== undefined) stop(ended);
          return;
        }
        const event = queue[head] as WireJson | string;
        queue[head++] = undefined;
        if (clientClosed()) return stop('finished');
        let sent: boolean | Promise<boolean>;
        try {
          sent = send(event);
        } catch {
          return stop('upstream-failed');
        }
        if (sent === false) return stop('finished');
        if (sent !== true) {
          sent.then(
            (goOn) => (goOn ? pump() : stop('finished')),
            () => stop('upstream-failed'),
          );
          return;
        }
      }
    };
    subscription = defer(() => events$).subscribe({
      next: (event) => {
        if (stopped) return;
        try {
          if (typeof event === 'string') queue.push(event);
          else for (const shaped of shaper(event)) queue.push(shaped);
        } catch {
          return stop('upstream-failed');
        }
        if (!busy) pump();
      },
      error: () => {
        ended = 'upstream-failed';
        if (!busy) pump();
      },
      complete: () => {
        ended = 'finished';
        if (!busy) pump();
      },
    });
    if (stopped) subscription.unsubscribe();
  });
}
