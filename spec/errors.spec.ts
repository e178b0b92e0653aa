import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as errors from '../lib/errors';
import {
  HttpError,
  IdleTimeoutError,
  MalformedEventError,
  ResponseFailedError,
  ResponseCancelledError,
  InvalidRecordingError,
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
      new InvalidRecordingError({ path: 'page.sse', detected: 'HTML page', firstLine: '<!doctype html>' }),
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
      ['InvalidRecordingError', 'invalid_recording', false],
    ]);
    for (const error of all) {
      expect(error).toBeInstanceOf(ResponsesRxError);
      expect(error).toBeInstanceOf(Error);
      expect(error.message.length).toBeGreaterThan(30);
    }
    expect(new MalformedEventError({ raw: 'x'.repeat(1000), reason: 'r' }).message.length).toBeLessThan(500);
  });

  it('appends its advice to a quoted message that ends with a period without reading ". —"', () => {
    const sentence = 'No route POST /nope/responses; use POST /v1/responses.';
    const messages = [
      new ResponseFailedError({ serverCode: 'not_found', serverMessage: sentence, source: 'error body' }).message,
      new ResponseFailedError({ serverMessage: 'Overloaded.', source: 'error' }).message,
      new HttpError({ status: 404, body: '', error: { message: sentence } }).message,
      new HttpError({ status: 503, body: 'Busy.' }).message,
      new HttpError({ status: 429, body: '', error: { message: 'Slow down.' }, retryAfterMs: 20 }).message,
    ];
    for (const message of messages) {
      expect(message).not.toMatch(/\. —/);
      expect(message).toMatch(/\w —/);
    }
    expect(messages[0]).toMatch(/use POST \/v1\/responses — this can be retried\.$/);
    // The error keeps the server's own words as they were.
    expect(new ResponseFailedError({ serverMessage: sentence, source: 'error' }).serverMessage).toBe(sentence);
    expect(new HttpError({ status: 400, body: '', error: { message: 'Wait...' } }).message).toMatch(/Wait\.\.\. —/);
  });

  it('retries 408, 409, 429 and 5xx only', () => {
    expect([400, 401, 403, 404, 408, 409, 422, 429, 500, 502, 503].filter(isRetryableStatus)).toEqual([
      408, 409, 429, 500, 502, 503,
    ]);
  });
});

describe('error names and instanceof across copies of the package', () => {
  const root = path.resolve(__dirname, '..');
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'responses-rx-errors-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** One of each class, built from a module exporting them (this copy, a minified bundle, a second copy). */
  const everyError = (m: typeof errors): errors.ResponsesRxError[] => [
    new m.MalformedEventError({ raw: '{', reason: 'the data is not valid JSON' }),
    new m.ProtocolMismatchError({ detected: 'HTML page', raw: '<html>' }),
    new m.EventTooLargeError(10),
    new m.ResponseFailedError({ source: 'error' }),
    new m.ResponseIncompleteError({}),
    new m.StreamClosedError(),
    new m.IdleTimeoutError(5),
    new m.HttpError({ status: 500, body: '' }),
    new m.UnexpectedContentTypeError({ contentType: 'text/html', bodyStart: '<html>' }),
    new m.ConnectionError({ url: 'http://127.0.0.1:1' }),
    new m.ResumeRefusedError({ responseId: 'resp_1', status: 404 }),
    new m.ResponseCancelledError(),
    new m.InvalidRecordingError({ path: 'page.sse', detected: 'HTML page' }),
  ];
  const NAMES = [
    'MalformedEventError',
    'ProtocolMismatchError',
    'EventTooLargeError',
    'ResponseFailedError',
    'ResponseIncompleteError',
    'StreamClosedError',
    'IdleTimeoutError',
    'HttpError',
    'UnexpectedContentTypeError',
    'ConnectionError',
    'ResumeRefusedError',
    'ResponseCancelledError',
    'InvalidRecordingError',
  ];

  it('keeps literal names in a minified bundle, where class names are mangled', () => {
    const out = path.join(dir, 'errors.min.js');
    // esbuild's own API, in a child process: its JS API checks TextEncoder, which Jest's sandbox replaces.
    const build = `require('esbuild').buildSync({ entryPoints: ['lib/errors.ts'], bundle: true, minify: true, format: 'cjs', outfile: ${JSON.stringify(out)} })`;
    execFileSync(process.execPath, ['-e', build], { cwd: root, stdio: 'pipe' });
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundle is built at run time
    const minified = require(out) as typeof errors;
    expect(minified.HttpError.name).not.toBe('HttpError');
    expect(everyError(minified).map((e) => e.name)).toEqual(NAMES);
    expect(everyError(minified).map((e) => String(e).split(':')[0])).toEqual(NAMES);
  });

  it('names every error of this copy literally too', () => {
    expect(everyError(errors).map((e) => e.name)).toEqual(NAMES);
  });

  it('recognizes errors of another copy of the package with instanceof and isResponsesRxError', () => {
    let other!: typeof errors;
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a second, isolated copy of the module
      other = require('../lib/errors') as typeof errors;
    });
    expect(other.HttpError).not.toBe(errors.HttpError);
    const theirs = everyError(other);
    const ours = everyError(errors);
    for (const [index, error] of theirs.entries()) {
      const Same = ours[index]!.constructor as new (...args: never[]) => unknown;
      const Other = ours[(index + 1) % ours.length]!.constructor as new (...args: never[]) => unknown;
      expect(error instanceof Same).toBe(true);
      expect(error instanceof Other).toBe(false);
      expect(error instanceof errors.ResponsesRxError).toBe(true);
      expect(errors.isResponsesRxError(error)).toBe(true);
    }
    for (const value of [new Error('x'), { code: 'http_error' }, null, undefined, 'http_error'])
      expect([value instanceof errors.HttpError, errors.isResponsesRxError(value)]).toEqual([false, false]);
  });

  it('keeps instanceof for subclasses of its classes', () => {
    class RateLimited extends errors.HttpError {}
    const error = new RateLimited({ status: 429, body: '' });
    expect(error).toBeInstanceOf(RateLimited);
    expect(error).toBeInstanceOf(errors.HttpError);
    expect(new errors.HttpError({ status: 429, body: '' })).not.toBeInstanceOf(RateLimited);
  });

  it('narrows to the class on code', () => {
    const error: unknown = new errors.HttpError({ status: 503, body: 'busy' });
    expect(errors.isResponsesRxError(error) && error.code === 'http_error' ? error.status : 0).toBe(503);
    expect(error instanceof errors.HttpError ? error.body : '').toBe('busy');
  });
});
