/**
 * Cancelling a background response.
 *
 * @module
 */
import { ConnectionError } from '../errors';
import type { WireResponse } from '../wire/schemas';
import { type ConnectionOptions, resolveConnection, responseUrl } from './connection';
import { toHttpError } from './checkResponse';

/**
 * Cancels a background response: `POST ${baseURL}/responses/{id}/cancel`. Its streams then end with
 * `ResponseCancelledError`. Cancelling twice returns the same response (the API makes it idempotent).
 *
 * ## Example
 * ```ts
 * import { cancelResponse } from 'responses-rx';
 *
 * const response = await cancelResponse('resp_123', { baseURL: 'http://127.0.0.1:8787/v1' });
 * console.log(response.status); // 'cancelled'
 * ```
 *
 * @param responseId the id of a response created with `background: true`.
 * @param options base URL, key, fetch and headers, as for `streamResponse`.
 * @returns the response object the server returned (status `cancelled`, or the final status when it had already
 *   finished).
 * @throws HttpError (as a rejection) for a non-2xx answer: 404 for an unknown or expired id, 400 for a response that
 *   was not created with `background: true`.
 * @throws ConnectionError (as a rejection) when the server cannot be reached.
 * @see https://platform.openai.com/docs/api-reference/responses/cancel
 */
export async function cancelResponse(responseId: string, options: ConnectionOptions = {}): Promise<WireResponse> {
  if (typeof responseId !== 'string' || responseId === '')
    throw new TypeError('cancelResponse: responseId must be a non-empty string');
  const connection = resolveConnection(options, 'cancelResponse');
  const url = responseUrl(connection, responseId, '/cancel');
  let answer: Response;
  try {
    answer = await connection.fetch(url, {
      method: 'POST',
      headers: { accept: 'application/json', ...connection.headers },
    });
  } catch (error) {
    throw new ConnectionError({ url, cause: error });
  }
  if (!answer.ok) throw await toHttpError(answer);
  return (await answer.json()) as WireResponse;
}
