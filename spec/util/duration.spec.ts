/**
 * Every duration option (timeouts, delays, backoff) goes through one check, `checkDuration`: NaN, a negative number,
 * a string, and a number a timer cannot wait (above 2^31 − 1 ms, which setTimeout fires after 1 ms) are a TypeError
 * when the function is called, with a message that names the option and says what it accepts.
 */
import { NEVER, of } from 'rxjs';
import WebSocket from 'ws';
import { HttpError, idleTimeout, responseEvents } from '../../lib';
import { DEFAULT_BACKOFF, backoffDelay, resumeStream, retryBeforeOutput, streamResponse } from '../../lib/http';
import { responsesSocket } from '../../lib/http/websocket';
import { createResponsesServer } from '../../lib/server';
import { MAX_TIMER_MS, checkDuration } from '../../lib/util/duration';

const tooLong = MAX_TIMER_MS + 1;

describe('checkDuration', () => {
  it('accepts 0 (when allowed) up to the longest timer, and Infinity where it means something', () => {
    expect(checkDuration(0, 'f: delayMs', { zero: true })).toBe(0);
    expect(checkDuration(MAX_TIMER_MS, 'f: delayMs', { zero: true })).toBe(MAX_TIMER_MS);
    expect(checkDuration(Infinity, 'f: timeoutMs', { zero: false, infinity: 'disable it' })).toBe(Infinity);
  });

  it.each([Number.NaN, -1, -Infinity, tooLong, '5', undefined])('rejects %p, naming the option', (value) => {
    expect(() => checkDuration(value, 'f: delayMs', { zero: true })).toThrow(
      /^f: delayMs must be a number of milliseconds >= 0 and at most 2147483647 \(about 24 days\); got /,
    );
  });

  it('rejects 0 for a timeout, and Infinity where it means nothing', () => {
    expect(() => checkDuration(0, 'f: timeoutMs', { zero: false, infinity: 'disable it' })).toThrow(
      'f: timeoutMs must be a number of milliseconds > 0 and at most 2147483647 (about 24 days), or Infinity to disable it; got 0',
    );
    expect(() => checkDuration(Infinity, 'f: delayMs', { zero: true })).toThrow(TypeError);
  });
});

describe('the duration options', () => {
  const bad = [Number.NaN, -1, tooLong];

  it.each(bad)('idleTimeout, responseEvents and streamResponse reject idleTimeoutMs %p when called', (value) => {
    expect(() => NEVER.pipe(idleTimeout(value))).toThrow(/^idleTimeout: .*at most 2147483647.*or Infinity/);
    expect(() => responseEvents('', { idleTimeoutMs: value })).toThrow(TypeError);
    expect(() => streamResponse({ model: 'm' }, { idleTimeoutMs: value, apiKey: 'k' })).toThrow(TypeError);
    expect(() => NEVER.pipe(idleTimeout(Infinity))).not.toThrow();
  });

  it.each([...bad, Infinity])('resumeStream and retryBeforeOutput reject a backoff delay of %p', (value) => {
    expect(() => resumeStream(() => NEVER, { initialDelayMs: value })).toThrow(TypeError);
    expect(() => resumeStream(() => NEVER, { maxDelayMs: value })).toThrow(/^resumeStream: maxDelayMs must be/);
    expect(() => retryBeforeOutput({ initialDelayMs: value })).toThrow(TypeError);
    expect(() => retryBeforeOutput({ maxDelayMs: value })).toThrow(/^retryBeforeOutput: maxDelayMs must be/);
  });

  it.each(bad)('responsesSocket rejects closeWhenIdleMs and idleTimeoutMs %p when called', (value) => {
    expect(() => responsesSocket({ WebSocket, closeWhenIdleMs: value })).toThrow(
      /^responsesSocket: closeWhenIdleMs must be/,
    );
    expect(() => responsesSocket({ WebSocket, idleTimeoutMs: value })).toThrow(TypeError);
    expect(() => responsesSocket({ WebSocket, closeWhenIdleMs: Infinity })).not.toThrow();
  });

  it.each(bad)('createResponsesServer rejects idleTimeoutMs and eventDelayMs %p', async (value) => {
    await expect(
      createResponsesServer({ mode: 'repair', upstream: 'http://127.0.0.1:1/v1', idleTimeoutMs: value }),
    ).rejects.toThrow(/^createResponsesServer: idleTimeoutMs must be/);
    await expect(createResponsesServer({ eventDelayMs: value })).rejects.toThrow(
      /^createResponsesServer: eventDelayMs must be/,
    );
  });

  it('createResponsesServer rejects an eventDelayMs of Infinity (a replay that never sends)', async () => {
    await expect(createResponsesServer({ eventDelayMs: Infinity })).rejects.toThrow(TypeError);
  });

  it('leaves valid values alone', () => {
    expect(() => of(1).pipe(idleTimeout(MAX_TIMER_MS))).not.toThrow();
    expect(() => retryBeforeOutput({ initialDelayMs: 0, maxDelayMs: MAX_TIMER_MS })).not.toThrow();
  });

  it("waits at most the longest timer when a server's Retry-After asks for longer", () => {
    const error = new HttpError({ status: 429, body: '', retryAfterMs: 40 * 24 * 3600 * 1000 });
    expect(backoffDelay(1, error, DEFAULT_BACKOFF)).toBe(MAX_TIMER_MS);
  });
});
