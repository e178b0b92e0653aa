/**
 * What one request to the embedded server leaves behind, whatever carries it (HTTP or a WebSocket): its log lines
 * (request, each event sent, end) and the summary handed to `onRequestEnd`, exactly once.
 *
 * @module
 */
import { CREATE_ROUTE, describeEvent, describeRequest, describeSummary } from './log';
import type { ServerConfig } from './options';
import type { ResponsesRequest } from './replay';
import { type RequestOutcome, type RequestSummary, StreamDigester } from './summary';

/** Logs one request and digests what it sent; shared by the HTTP and WebSocket exchanges. @internal */
export class RequestRecord {
  private model: string | undefined;
  /** Reads back what was sent, for the summary: only when a log or `onRequestEnd` will see it (it reads every frame). */
  private readonly digester: StreamDigester | undefined;
  private begun = false;
  private ended = false;

  /** @param route how the log names the request: `POST /responses`, `GET /responses/ID`, … */
  constructor(
    private readonly config: ServerConfig,
    private readonly requestId: number,
    private readonly route = CREATE_ROUTE,
  ) {
    this.digester = config.log !== undefined || config.onRequestEnd !== undefined ? new StreamDigester() : undefined;
  }

  /**
   * The request arrived: remembers the model of its body (a create request's) and logs it, once. A request that ends
   * without it (a retrieve, a cancel, a body that is no JSON) is logged when it ends, so every request has its line.
   */
  begin(body?: ResponsesRequest): void {
    if (this.begun) return;
    this.begun = true;
    this.model = typeof body?.model === 'string' ? body.model : undefined;
    this.config.log?.({
      kind: 'request',
      requestId: this.requestId,
      model: this.model,
      mode: this.config.mode,
      message: describeRequest(
        this.requestId,
        this.model,
        this.config.mode,
        this.config.shape,
        this.route,
        body !== undefined,
      ),
    });
  }

  /** Counts a frame into the summary without a log line. */
  digest(eventType: string, frame: string): void {
    this.digester?.push(eventType, frame);
  }

  /** Counts a frame into the summary and logs the event. */
  sent(eventType: string, frame: string): void {
    this.digester?.push(eventType, frame);
    this.config.log?.({
      kind: 'event',
      requestId: this.requestId,
      eventType,
      message: describeEvent(this.requestId, eventType),
    });
  }

  /** The answer ended: logs the summary and reports it, once (later calls do nothing). */
  end(status: number, outcome: RequestOutcome): void {
    if (this.ended) return;
    this.ended = true;
    this.begin();
    if (this.digester === undefined) return; // nobody to tell
    const summary: RequestSummary = {
      requestId: this.requestId,
      model: this.model,
      mode: this.config.mode,
      status,
      outcome,
      ...this.digester.digest(),
    };
    this.config.log?.({ kind: 'end', requestId: this.requestId, summary, message: describeSummary(summary) });
    this.config.onRequestEnd?.(summary);
  }
}
