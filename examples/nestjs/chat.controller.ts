/**
 * A NestJS Server-Sent Events relay: `GET /chat?input=…` streams a Responses API answer to the browser as the canonical
 * Responses events, whatever subset of events the provider sends (final-only, done-only, no reasoning deltas…).
 *
 * `streamResponse` reads the provider (every item exactly once), `serializeEvents` writes the canonical stream again,
 * and Nest's `@Sse()` sends each event as one SSE message named after its type. Unsubscribing (the browser leaves)
 * aborts the upstream request.
 */
import { Controller, Inject, type MessageEvent, Query, Sse } from '@nestjs/common';
import { type Observable, map } from 'rxjs';
import { type StreamResponseOptions, streamResponse } from 'responses-rx/http';
import { serializeEvents } from 'responses-rx/serialize';

/** The injection token of the upstream's options (`baseURL`, `apiKey`, …). */
export const UPSTREAM = Symbol('UPSTREAM');

@Controller('chat')
export class ChatController {
  constructor(@Inject(UPSTREAM) private readonly upstream: StreamResponseOptions) {}

  @Sse()
  chat(@Query('input') input = 'Hello', @Query('model') model = 'gpt-5-mini'): Observable<MessageEvent> {
    return streamResponse({ model, input, reasoning: { summary: 'auto' } }, this.upstream).pipe(
      serializeEvents({ model }),
      map((event) => ({ type: event.type, data: event })),
    );
  }
}
