import { Observable, map, take } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  ConnectionError,
  HttpError,
  type NormalizedEvent,
  ResponseFailedError,
  ResumeRefusedError,
  StreamClosedError,
} from 'responses-rx';
import { type ResumeCursor, resumeStream } from 'responses-rx/http';
import { createTestScheduler, events, items } from 'responses-rx/testing';
import { synchronousSource } from './support';

const seq = (event: NormalizedEvent, sequenceNumber: number): NormalizedEvent => ({ ...event, sequenceNumber });
const message = items.message('msg_1', 'Hello');
const at = { itemId: 'msg_1', outputIndex: 0 };
const v = {
  c: seq(events.created('resp_1'), 0),
  a: seq(events.textDelta('Hel', at), 1),
  b: seq(events.textDelta('lo', at), 2),
  d: seq(events.itemDone(message, 0), 3),
  C: seq(events.completed([message], 'resp_1'), 4),
  u: events.textDelta('no number', at),
};
const noJitter = { initialDelayMs: 2, jitter: 0 };

describe('resumeStream', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = createTestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('reconnects after a drop with starting_after = the last sequence number, and never repeats an event', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-a-b-#', v, new StreamClosedError());
      const again = cold('        -b-d-C-|', v);
      const cursors: Omit<ResumeCursor, 'error'>[] = [];
      const reconnect = ({ error: _error, ...cursor }: ResumeCursor) => {
        cursors.push(cursor);
        return again;
      };
      expectObservable(source.pipe(resumeStream(reconnect, noJitter))).toBe('-c-a-b------d-C-|', v);
      expectSubscriptions(source.subscriptions).toBe('^------!');
      expectSubscriptions(again.subscriptions).toBe('---------^------!');
      scheduler.flush();
      expect(cursors).toEqual([{ responseId: 'resp_1', startingAfter: 2, attempt: 1 }]);
    });
  });

  it('resumes a connection that ended cleanly before completed', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-a-|', v);
      const again = cold('      -b-C-|', v);
      expectObservable(source.pipe(resumeStream(() => again, noJitter))).toBe('-c-a----b-C-|', v);
      expectSubscriptions(again.subscriptions).toBe('-------^----!');
    });
  });

  it('waits the retryAfterMs the server asked for instead of the backoff', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-#', v, new StreamClosedError());
      const busy = cold('    #', v, new HttpError({ status: 503, body: '', retryAfterMs: 10 }));
      const again = cold('-a-b-d-C-|', v);
      let calls = 0;
      const reconnect = () => (calls++ === 0 ? busy : again);
      // drop at 3, +2 backoff → 503 at 5, +10 retry-after → reconnect at 15
      expectObservable(source.pipe(resumeStream(reconnect, noJitter))).toBe('-c--------------a-b-d-C-|', v);
      expectSubscriptions(busy.subscriptions).toBe('-----(^!)');
      expectSubscriptions(again.subscriptions).toBe('---------------^--------!');
    });
  });

  it('backs off exponentially while reconnections make no progress, and resets after progress', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const refused = new ConnectionError({ url: 'http://127.0.0.1:1/v1/responses/resp_1' });
      const source = cold('-c-#', v, new StreamClosedError());
      const down = cold('#', v, refused);
      const half = cold('-a-#', v, new StreamClosedError());
      const rest = cold('-b-d-C-|', v);
      const plan = [down, down, half, rest];
      const reconnect = ({ attempt }: ResumeCursor) => plan[attempt - 1]!;
      // drop at 3; waits 2 (→5), 4 (→9), 8 (→17: a at 18, drop at 20), then 2 again (→22)
      expectObservable(source.pipe(resumeStream(reconnect, noJitter))).toBe('-c----------------a----b-d-C-|', v);
      expectSubscriptions(source.subscriptions).toBe('^--!');
      expectSubscriptions(down.subscriptions).toBe(['-----(^!)', '---------(^!)']);
      expectSubscriptions(half.subscriptions).toBe('-----------------^--!');
      expectSubscriptions(rest.subscriptions).toBe('----------------------^------!');
    });
  });

  it('gives up after maxResumes with the last drop', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const drop = new StreamClosedError();
      const source = cold('-c-#', v, drop);
      const again = cold('#', v, drop);
      expectObservable(source.pipe(resumeStream(() => again, { ...noJitter, maxResumes: 2 }))).toBe(
        '-c-------#',
        v,
        drop,
      );
      expectSubscriptions(source.subscriptions).toBe('^--!');
      expectSubscriptions(again.subscriptions).toBe(['-----(^!)', '---------(^!)']);
    });
  });

  it('passes a refusal and every error that is not a drop as it is', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const refused = new ResumeRefusedError({ responseId: 'resp_1', startingAfter: 1, status: 404 });
      const source = cold('-c-a-#', v, new StreamClosedError());
      const gone = cold('#', v, refused);
      expectObservable(source.pipe(resumeStream(() => gone, noJitter))).toBe('-c-a---#', v, refused);
      const failed = new ResponseFailedError({ serverCode: 'server_error', source: 'response.failed' });
      const failing = cold('-c-#', v, failed);
      expectObservable(failing.pipe(resumeStream(() => gone, noJitter))).toBe('-c-#', v, failed);
      expectSubscriptions(source.subscriptions).toBe('^----!');
      expectSubscriptions(gone.subscriptions).toBe('-------(^!)');
      expectSubscriptions(failing.subscriptions).toBe('^--!');
    });
  });

  it('does not resume before the response id is known, nor after an event without a sequence number', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const drop = new StreamClosedError();
      const again = cold('-C-|', v);
      const reconnect = () => again;
      const anonymous = cold('-a-#', v, drop);
      const unnumbered = cold('-c-u-#', v, drop);
      expectObservable(anonymous.pipe(resumeStream(reconnect, noJitter))).toBe('-a-#', v, drop);
      expectObservable(unnumbered.pipe(resumeStream(reconnect, noJitter))).toBe('-c-u-#', v, drop);
      expectSubscriptions(anonymous.subscriptions).toBe('^--!');
      expectSubscriptions(unnumbered.subscriptions).toBe('^----!');
      expectSubscriptions(again.subscriptions).toBe([]);
    });
  });

  it('resumes a retrieved stream whose id and cursor were given', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-b-#', v, new StreamClosedError());
      const again = cold('-a-b-d-C-|', v);
      const cursors: (number | undefined)[] = [];
      const reconnect = (cursor: ResumeCursor) => {
        cursors.push(cursor.startingAfter);
        return again;
      };
      const resumed = source.pipe(resumeStream(reconnect, { ...noJitter, responseId: 'resp_1', startingAfter: 1 }));
      expectObservable(resumed).toBe('-b--------d-C-|', v);
      expectSubscriptions(source.subscriptions).toBe('^--!');
      expectSubscriptions(again.subscriptions).toBe('-----^--------!');
      scheduler.flush();
      expect(cursors).toEqual([2]);
    });
  });

  it('draws the wait between half the delay and the full delay with the default jitter', () => {
    for (const random of [0, 0.5, 0.999]) {
      const spy = jest.spyOn(Math, 'random').mockReturnValue(random);
      try {
        scheduler = createTestScheduler((actual, expected) => expect(actual).toEqual(expected));
        scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
          const source = cold('-c-#', v, new StreamClosedError());
          const wait = Math.round(100 * (1 - 0.5 * random));
          expect(wait).toBeGreaterThanOrEqual(50);
          const resumed = source.pipe(resumeStream(() => cold('-C-|', v), { initialDelayMs: 100 }));
          expectObservable(resumed).toBe(`-c- ${wait + 1}ms C-|`, v);
          expectSubscriptions(source.subscriptions).toBe('^--!');
        });
      } finally {
        spy.mockRestore();
      }
    }
  });

  it('unsubscribes early, also while waiting to reconnect', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-a-#', v, new StreamClosedError());
      const again = cold('-b-C-|', v);
      expectObservable(source.pipe(resumeStream(() => again, { initialDelayMs: 5, jitter: 0 })), '^------!').toBe(
        '-c-a---',
        v,
      );
      expectSubscriptions(source.subscriptions).toBe('^----!');
      expectSubscriptions(again.subscriptions).toBe([]);
    });
  });

  it('does not break the unsubscription chain', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-#', v, new StreamClosedError());
      const again = cold('-a-b-C-|', v);
      const result = source.pipe(
        map((event) => event),
        resumeStream(() => again, noJitter),
        map((event) => event),
      );
      expectObservable(result, '^-------!').toBe('-c----a-', v);
      expectSubscriptions(source.subscriptions).toBe('^--!');
      expectSubscriptions(again.subscriptions).toBe('-----^--!');
    });
  });

  it('stops listening to a synchronous source when unsubscribed', () => {
    scheduler.run(({ expectObservable, expectSubscriptions }) => {
      const delta = events.textDelta('x');
      const { source, emitted, subscriptions } = synchronousSource(scheduler, (index) => seq(delta, index));
      const result = source.pipe(
        resumeStream(() => source),
        map((event) => event.sequenceNumber),
        take(3),
      );
      expectObservable(result).toBe('(abc|)', { a: 0, b: 1, c: 2 });
      scheduler.flush();
      expect(emitted).toHaveLength(3);
      expectSubscriptions(subscriptions).toBe('(^!)');
    });
  });

  it('sends an exception thrown by reconnect to error()', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const oops = new Error('reconnect failed');
      const reconnect = () => {
        throw oops;
      };
      const source = cold('-c-#', v, new StreamClosedError());
      expectObservable(source.pipe(resumeStream(reconnect, noJitter))).toBe('-c---#', v, oops);
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('rejects a bad configuration when created, before anything subscribes', () => {
    scheduler.run(({ cold, expectSubscriptions }) => {
      const source = cold('-c-|', v);
      const never = () => new Observable<NormalizedEvent>();
      expect(() => source.pipe(resumeStream(undefined as never))).toThrow(TypeError);
      expect(() => source.pipe(resumeStream(never, { maxResumes: -1 }))).toThrow(TypeError);
      expect(() => source.pipe(resumeStream(never, { jitter: 2 }))).toThrow(TypeError);
      expect(() => source.pipe(resumeStream(never, { initialDelayMs: Number.NaN }))).toThrow(TypeError);
      expectSubscriptions(source.subscriptions).toBe([]);
    });
  });
});
