/**
 * Checking that an HTTP answer is an event stream, and turning one that is not into the typed error that says why.
 *
 * @module
 */
import { checkedBody, isEventStreamType } from '../sse/responseBody';

/**
 * Resolves with the response when it is a 2xx event stream; otherwise reads (the start of) its body and rejects with
 * the typed error: `HttpError` for a non-2xx status; for a 2xx answer whose content type is not `text/event-stream`,
 * the first non-blank bytes decide: SSE field lines (`data:`, `event:`, `id:`, `retry:`, `:`; proxies send SSE as
 * `application/json`) → a response over the same bytes, typed `text/event-stream`; a JSON error object →
 * `ResponseFailedError` with its code and message; anything else (an HTML page, another JSON body) →
 * `UnexpectedContentTypeError`. The body of a rejected response is consumed or cancelled, so its connection is
 * released. `responseEvents(response)` makes the same checks.
 *
 * ## Example
 * ```ts
 * import { checkEventStream, responseEvents } from 'responses-rx';
 *
 * const response = await checkEventStream(await fetch(`${baseURL}/responses`, init));
 * responseEvents(response).subscribe(console.log);
 * ```
 *
 * @param response a fetch `Response`.
 * @returns the same response, or one over the same bytes typed `text/event-stream`.
 * @throws HttpError when the status is not 2xx.
 * @throws ResponseFailedError when a 2xx body is a JSON error object.
 * @throws UnexpectedContentTypeError when a 2xx body is neither SSE nor an error object.
 */
export async function checkEventStream(response: Response): Promise<Response> {
  if (response.ok && isEventStreamType(response.headers.get('content-type') ?? '')) return response;
  const body = checkedBody(response);
  const first = await body.next();
  const stream = new ReadableStream<Uint8Array>({
    start: (controller) => {
      if (!first.done) controller.enqueue(first.value as Uint8Array);
    },
    pull: async (controller) => {
      const { value, done } = await body.next();
      if (done) controller.close();
      else controller.enqueue(value as Uint8Array);
    },
    cancel: () => body.cancel(),
  });
  const headers = new Headers(response.headers);
  headers.set('content-type', 'text/event-stream');
  return new Response(stream, { status: response.status, statusText: response.statusText, headers });
}

export { toHttpError, parseApiError } from '../sse/responseBody';
