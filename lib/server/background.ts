/**
 * Background mode of the embedded server (`background: true`): each response runs to its end whether or not a client
 * is connected, is kept in memory by id (bounded in count and in time), and can be read again — as JSON
 * (`GET /v1/responses/{id}`), or as its stream from any sequence number (`?stream=true&starting_after=N`) — or
 * cancelled (`POST /v1/responses/{id}/cancel`), as the Responses API does.
 *
 * @module
 */
import { Observable, type Subscription, concatMap } from 'rxjs';
import type { WireJson } from '../wire/json';
import { createShaper, type ProviderShape } from './shapes';

/** Bounds of the background store. */
export interface BackgroundOptions {
  /**
   * How many background responses are kept; past it the oldest is forgotten (a running one still runs to its end for
   * the clients already reading it).
   * @defaultValue 1000
   */
  readonly maxResponses?: number;
  /**
   * How long a background response is kept after it was created, in milliseconds (OpenAI keeps them about 10
   * minutes); then `GET` and `cancel` answer 404.
   * @defaultValue 600000
   */
  readonly ttlMs?: number;
}

/** The defaults of {@link BackgroundOptions}. */
export const DEFAULT_BACKGROUND: Required<BackgroundOptions> = { maxResponses: 1000, ttlMs: 600_000 };

/** The statuses of a response, as the API names them. */
export type ResponseStatus = 'queued' | 'in_progress' | 'completed' | 'failed' | 'incomplete' | 'cancelled';

const TERMINAL = new Map<string, ResponseStatus>([
  ['response.completed', 'completed'],
  ['response.failed', 'failed'],
  ['response.incomplete', 'incomplete'],
  ['response.cancelled', 'cancelled'],
]);

/** One background response: its events so far (each with its `sequence_number`), its status, its readers. */
export class StoredResponse {
  /** The events in order; an event's index is its `sequence_number`. */
  readonly events: (WireJson | string)[] = [];
  status: ResponseStatus = 'queued';
  private finished = false;
  private producer: Subscription | undefined;
  private readonly readers = new Set<() => void>();
  private latest: Record<string, unknown> = {};
  private readonly done: unknown[] = [];

  constructor(
    readonly id: string,
    readonly createdAt: number,
  ) {}

  /** True once the response reached a terminal status (or its source ended). */
  get isFinished(): boolean {
    return this.finished;
  }

  /** Starts producing: `events$` (already shaped) is stored event by event, independent of any client. */
  run(events$: Observable<WireJson | string>): void {
    this.producer = events$.subscribe({
      next: (event) => this.append(event),
      error: () => this.finish(this.status === 'queued' || this.status === 'in_progress' ? 'failed' : this.status),
      complete: () =>
        this.finish(this.status === 'queued' || this.status === 'in_progress' ? 'incomplete' : this.status),
    });
  }

  /** Stops a running response: a `response.cancelled` event ends its stream. Idempotent; a finished one stays as is. */
  cancel(): void {
    if (this.finished) return;
    this.producer?.unsubscribe();
    this.append({ type: 'response.cancelled', response: { ...this.latest, status: 'cancelled' } });
    this.finish('cancelled');
  }

  /** The response object as `GET /v1/responses/{id}` returns it: the latest state, with the output so far. */
  snapshot(): Record<string, unknown> {
    const output =
      this.status === 'completed' && Array.isArray(this.latest['output']) ? this.latest['output'] : this.done;
    return { ...this.latest, id: this.id, object: 'response', background: true, status: this.status, output };
  }

  /**
   * The events after `startingAfter` (all of them when it is undefined), then every new one until the response
   * finishes. Cold; unsubscribing stops following.
   */
  follow(startingAfter: number | undefined): Observable<WireJson | string> {
    return new Observable((subscriber) => {
      let next = startingAfter === undefined ? 0 : Math.max(0, startingAfter + 1);
      const pump = (): void => {
        while (next < this.events.length && !subscriber.closed) subscriber.next(this.events[next++]!);
        if (this.finished && next >= this.events.length && !subscriber.closed) subscriber.complete();
      };
      this.readers.add(pump);
      pump();
      return () => this.readers.delete(pump);
    });
  }

  private append(event: WireJson | string): void {
    if (this.finished) return;
    const sequence = this.events.length;
    if (typeof event === 'string') {
      this.events.push(event);
    } else {
      const stored = this.stamp(event, sequence);
      this.events.push(stored);
      this.observe(stored);
    }
    for (const reader of [...this.readers]) reader();
    const terminal = typeof event === 'string' ? undefined : TERMINAL.get(event.type);
    if (terminal !== undefined) this.finish(terminal);
  }

  /** The event with this response's id, `background: true`, and its sequence number. */
  private stamp(event: WireJson, sequence: number): WireJson {
    const response = event['response'];
    if (typeof response !== 'object' || response === null || Array.isArray(response))
      return { ...event, sequence_number: sequence };
    const status = event.type === 'response.created' ? 'queued' : (response as { status?: unknown }).status;
    return {
      ...event,
      response: { ...(response as object), id: this.id, background: true, ...(status === undefined ? {} : { status }) },
      sequence_number: sequence,
    };
  }

  private observe(event: WireJson): void {
    const response = event['response'];
    if (typeof response === 'object' && response !== null && !Array.isArray(response)) {
      this.latest = response as Record<string, unknown>;
    }
    if (event.type === 'response.in_progress') this.status = 'in_progress';
    if (event.type === 'response.output_item.done') this.done.push(event['item']);
  }

  private finish(status: ResponseStatus): void {
    if (this.finished) return;
    this.finished = true;
    this.status = status;
    for (const reader of [...this.readers]) reader();
    this.readers.clear();
  }
}

/** The background responses of one server, by id: bounded in count (oldest forgotten first) and in age. */
export class BackgroundStore {
  private readonly byId = new Map<string, StoredResponse>();
  private counter = 0;
  private readonly maxResponses: number;
  private readonly ttlMs: number;

  constructor(
    options: BackgroundOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.maxResponses = options.maxResponses ?? DEFAULT_BACKGROUND.maxResponses;
    this.ttlMs = options.ttlMs ?? DEFAULT_BACKGROUND.ttlMs;
  }

  /** How many responses are kept right now. */
  get size(): number {
    this.expire();
    return this.byId.size;
  }

  /**
   * Creates a background response and starts producing it from `events$`, shaped: `response.created` says `queued`
   * and is followed by `response.queued`, as the API sends them.
   */
  start(events$: Observable<WireJson | string>, shape: ProviderShape): StoredResponse {
    this.expire();
    this.counter += 1;
    const id = `resp_rx_bg_${this.counter.toString(36)}_${Math.random().toString(36).slice(2, 10)}`;
    const stored = new StoredResponse(id, this.now());
    this.byId.set(id, stored);
    while (this.byId.size > this.maxResponses) {
      const oldest = this.byId.keys().next().value as string;
      this.byId.delete(oldest);
    }
    const shaper = createShaper(shape);
    let queued = false;
    stored.run(
      events$.pipe(
        concatMap((event) => {
          if (typeof event === 'string') return [event];
          const shaped: (WireJson | string)[] = shaper(event);
          if (!queued && shaped.length > 0) {
            queued = true;
            const at =
              shaped[0] !== undefined && typeof shaped[0] !== 'string' && shaped[0].type === 'response.created' ? 1 : 0;
            shaped.splice(at, 0, { type: 'response.queued', response: { status: 'queued' } });
          }
          return shaped;
        }),
      ),
    );
    return stored;
  }

  /** The response with this id, unless it is unknown, forgotten or expired. */
  get(id: string): StoredResponse | undefined {
    this.expire();
    return this.byId.get(id);
  }

  private expire(): void {
    const oldest = this.now() - this.ttlMs;
    for (const [id, stored] of this.byId) {
      if (stored.createdAt > oldest) break; // insertion order is creation order
      this.byId.delete(id);
    }
  }
}
