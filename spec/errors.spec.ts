import {
  HttpError,
  IdleTimeoutError,
  MalformedEventError,
  ResponseFailedError,
  ResponseCancelledError,
  ResponseIncompleteError,
  ResponsesRxError,
  ResumeRefusedError,
  StreamClosedError,
  isRetryableStatus,
  parseRetryAfterMessage,
} from 'responses-rx';

describe('errors', () => {
  it.each([
    ['Rate limit reached. Please try again in 1.898s.', 1898],
    ['Please try again in 28ms.', 28],
    ['Please try again in 35 seconds', 35000],
    ['try again in 2m', 120000],
    ['Try again in 1.5 minutes.', 90000],
    ['Something went wrong', undefined],
    [undefined, undefined],
  ])('reads the retry delay from %p', (message, ms) => {
    expect(parseRetryAfterMessage(message)).toBe(ms);
  });

  it('classifies server codes: request faults are not retryable, everything else is', () => {
    for (const code of ['context_length_exceeded', 'insufficient_quota', 'invalid_prompt', 'usage_not_included']) {
      expect(new ResponseFailedError({ serverCode: code, source: 'response.failed' }).retryable).toBe(false);
    }
    for (const code of ['rate_limit_exceeded', 'server_error', 'something_new', undefined]) {
      expect(new ResponseFailedError({ serverCode: code, source: 'error' }).retryable).toBe(true);
    }
  });

  it('gives every error a name, a stable code, retryable, and says what to do', () => {
    const all: ResponsesRxError[] = [
      new MalformedEventError({ raw: '{', reason: 'the data is not valid JSON' }),
      new ResponseFailedError({ serverCode: 'server_error', serverMessage: 'oops', source: 'error' }),
      new ResponseIncompleteError({ reason: 'max_output_tokens' }),
      new StreamClosedError(),
      new IdleTimeoutError(1000),
      new HttpError({ status: 429, body: '', retryAfterMs: 2000 }),
      new ResumeRefusedError({ responseId: 'resp_1', startingAfter: 7, status: 404 }),
      new ResponseCancelledError({ responseId: 'resp_1' }),
    ];
    expect(all.map((e) => [e.name, e.code, e.retryable])).toEqual([
      ['MalformedEventError', 'malformed_event', false],
      ['ResponseFailedError', 'response_failed', true],
      ['ResponseIncompleteError', 'response_incomplete', false],
      ['StreamClosedError', 'stream_closed', true],
      ['IdleTimeoutError', 'idle_timeout', true],
      ['HttpError', 'http_error', true],
      ['ResumeRefusedError', 'resume_refused', false],
      ['ResponseCancelledError', 'response_cancelled', false],
    ]);
    for (const error of all) {
      expect(error).toBeInstanceOf(ResponsesRxError);
      expect(error).toBeInstanceOf(Error);
      expect(error.message.length).toBeGreaterThan(30);
    }
    expect(new MalformedEventError({ raw: 'x'.repeat(1000), reason: 'r' }).message.length).toBeLessThan(500);
  });

  it('retries 408, 409, 429 and 5xx only', () => {
    expect([400, 401, 403, 404, 408, 409, 422, 429, 500, 502, 503].filter(isRetryableStatus)).toEqual([
      408, 409, 429, 500, 502, 503,
    ]);
  });
});
