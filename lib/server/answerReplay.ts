/**
 * Replay mode: answers a request with the recording (or demo turn) its replay source chooses, paced by
 * `eventDelayMs`, with the response envelope filled in. A background request (`background: true`) is kept by id
 * and runs to its end whoever listens (see `./background`).
 *
 * @module
 */
import { concatMap, from, map, timer } from 'rxjs';
import { InvalidRecordingError } from '../errors';
import type { WireJson } from '../wire/json';
import type { Exchange } from './exchange';
import type { ServerConfig } from './options';
import { type ResponsesRequest, resolveReplay } from './replay';

/**
 * Answers one request from the replay source, as SSE when it asked for `stream: true`, else with the final Response
 * object as JSON; resolves when the answer is over (404 when nothing matches).
 */
export async function answerReplay(config: ServerConfig, body: ResponsesRequest, exchange: Exchange): Promise<void> {
  let events;
  try {
    events = await resolveReplay(config.replay, body);
  } catch (error) {
    // A recording chosen per request (a folder, a map) that is not one, or can no longer be read.
    const code = error instanceof InvalidRecordingError ? error.code : 'recording_unreadable';
    exchange.reject(500, 'server_error', code, error instanceof Error ? error.message : String(error));
    return;
  }
  if (events === undefined) {
    exchange.reject(
      404,
      'invalid_request_error',
      'model_not_found',
      `No recording to replay for model ${JSON.stringify(body.model)}.`,
      {},
      'model',
    );
    return;
  }
  const envelope = {
    model: typeof body.model === 'string' ? body.model : 'responses-rx-replay',
    created_at: Math.floor(Date.now() / 1000),
  };
  const replayed = events.map((event) => (typeof event === 'string' ? event : withEnvelope(event, envelope)));
  const paced$ =
    config.eventDelayMs > 0
      ? from(replayed).pipe(concatMap((event) => timer(config.eventDelayMs).pipe(map(() => event))))
      : from(replayed);
  if (body['background'] === true) {
    const stored = config.background.start(paced$, config.shape);
    if (body['stream'] === true) await exchange.stream(stored.follow(undefined), true);
    else exchange.json(200, stored.snapshot());
    return;
  }
  if (body.stream === true) await exchange.stream(paced$);
  else await exchange.respondWhole(paced$);
}

/**
 * Fills the fields every real response object has (`model`, `created_at`) where a recording or a builder left them
 * out: strict clients (the AI SDK) reject a `response.created` without them. Fields present are kept as recorded.
 */
function withEnvelope(event: WireJson, envelope: { model: string; created_at: number }): WireJson {
  const response = event['response'];
  if (typeof response !== 'object' || response === null || Array.isArray(response)) return event;
  return { ...event, response: { ...envelope, ...(response as Record<string, unknown>) } };
}
