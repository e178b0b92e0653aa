import { map, take } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { trackStreamedKinds } from 'responses-rx';
import type { NormalizedEvent, TrackedEvent } from 'responses-rx';
import { createTestScheduler, events, items } from 'responses-rx/testing';
import { synchronousSource } from './support';

/** A copy of what the tracker knows right after an event, so marble frames compare values, not a live object. */
const snapshot = ({ event, state, first }: TrackedEvent) => ({
  type: event.type,
  first,
  text: state.streamed.text,
  reasoning: state.streamed.reasoning,
  toolInput: state.streamed.toolInput,
  delivered: state.delivered.map((d) => d.id),
  reasoningDelivered: state.reasoningDelivered,
  evidence: state.evidence.map((e) => e.itemId ?? e.outputIndex),
});

const message = items.message('msg_1', 'Hello');
const reasoning = items.reasoning('rs_1', 'Thinking');
const call = items.functionCall('fc_1', 'call_1', 'lookup', '{"q":1}');

const v: Record<string, NormalizedEvent> = {
  c: events.created(),
  r: events.summaryDelta('Think', { itemId: 'rs_1', outputIndex: 0 }),
  R: events.itemDone(reasoning, 0),
  t: events.textDelta('Hel', { itemId: 'msg_1', outputIndex: 1 }),
  M: events.itemDone(message, 1),
  f: events.toolInputDelta('{"q"', { itemId: 'fc_1', outputIndex: 2, callId: 'call_1' }),
  F: events.itemDone(call, 2),
  d: events.partDone('outputText', 'Hello', { itemId: 'msg_1', outputIndex: 1 }),
  C: events.completed([reasoning, message]),
};

describe('trackStreamedKinds', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = createTestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  const base = {
    first: true,
    text: false,
    reasoning: false,
    toolInput: false,
    delivered: [],
    reasoningDelivered: false,
    evidence: [],
  };

  it('passes every event on, in order, paired with what streamed so far', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-r-R-t-M-C-|', v);
      expectObservable(source.pipe(trackStreamedKinds(), map(snapshot))).toBe('-c-r-R-t-M-C-|', {
        c: { ...base, type: 'created' },
        r: { ...base, type: 'reasoningSummaryDelta', reasoning: true, evidence: ['rs_1'] },
        R: { ...base, type: 'outputItemDone', reasoning: true, delivered: ['rs_1'], reasoningDelivered: true },
        t: {
          ...base,
          type: 'outputTextDelta',
          reasoning: true,
          text: true,
          delivered: ['rs_1'],
          reasoningDelivered: true,
          evidence: ['msg_1'],
        },
        M: {
          ...base,
          type: 'outputItemDone',
          reasoning: true,
          text: true,
          delivered: ['rs_1', 'msg_1'],
          reasoningDelivered: true,
        },
        C: {
          ...base,
          type: 'completed',
          reasoning: true,
          text: true,
          delivered: ['rs_1', 'msg_1'],
          reasoningDelivered: true,
        },
      });
      expectSubscriptions(source.subscriptions).toBe('^------------!');
    });
  });

  it('sees text streamed but no reasoning (a provider that never streams reasoning)', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-t-d-M-C|', v);
      const result = source.pipe(trackStreamedKinds(), map(snapshot));
      expectObservable(result).toBe('-c-t-d-M-C|', {
        c: { ...base, type: 'created' },
        t: { ...base, type: 'outputTextDelta', text: true, evidence: ['msg_1'] },
        d: { ...base, type: 'partDone', text: true, evidence: ['msg_1'] },
        M: { ...base, type: 'outputItemDone', text: true, delivered: ['msg_1'] },
        C: { ...base, type: 'completed', text: true, delivered: ['msg_1'] },
      });
      expectSubscriptions(source.subscriptions).toBe('^---------!');
    });
  });

  it('sees nothing streamed on a final-only provider', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c---C|', v);
      expectObservable(source.pipe(trackStreamedKinds(), map(snapshot))).toBe('-c---C|', {
        c: { ...base, type: 'created' },
        C: { ...base, type: 'completed' },
      });
      expectSubscriptions(source.subscriptions).toBe('^-----!');
    });
  });

  it('tracks tool-input deltas', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-f-F|', v);
      expectObservable(source.pipe(trackStreamedKinds(), map(snapshot))).toBe('-f-F|', {
        f: { ...base, type: 'toolCallInputDelta', toolInput: true, evidence: ['fc_1'] },
        F: { ...base, type: 'outputItemDone', toolInput: true, delivered: ['fc_1'] },
      });
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
  });

  it('keeps refusals, citations, hosted-tool input, progress, partial images and shell output as evidence', () => {
    const citation = { type: 'url_citation', url: 'https://a.example' };
    const w: Record<string, NormalizedEvent> = {
      x: events.refusalDelta('No', { itemId: 'msg_r', outputIndex: 0 }),
      n: events.annotationAdded(citation, { itemId: 'msg_1', outputIndex: 1 }),
      k: events.toolInputDelta('print(1)', { itemId: 'ci_1', outputIndex: 2 }, 'code_interpreter_call'),
      g: events.toolProgress('image_generation_call', 'generating', { itemId: 'ig_1', outputIndex: 3 }),
      p: events.partialImage('AA', { itemId: 'ig_1', outputIndex: 3 }),
      o: events.shellOutputDelta('hi', '', { itemId: 'sho_1', outputIndex: 4 }),
    };
    const evidenceOf = ({ event, state }: TrackedEvent) => {
      const kinds = state.evidence.map((e) => {
        const parts = [
          e.kind,
          e.refusals.get(0)?.text,
          e.annotations.get(0)?.length,
          e.toolInput?.text,
          e.toolStatus,
          e.partialImage,
          e.shellOutput.get(0)?.stdout,
        ];
        return parts.filter((part) => part !== undefined).join('|');
      });
      return `${event.type}: ${kinds.join(', ')}`;
    };
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-x-n-k-g-p-o|', w);
      expectObservable(source.pipe(trackStreamedKinds(), map(evidenceOf))).toBe('-x-n-k-g-p-o|', {
        x: 'refusalDelta: message|No',
        n: 'outputTextAnnotationAdded: message|No, message|1',
        k: 'toolCallInputDelta: message|No, message|1, code_interpreter_call|print(1)',
        g: 'toolCallProgress: message|No, message|1, code_interpreter_call|print(1), image_generation_call|generating',
        p: 'partialImage: message|No, message|1, code_interpreter_call|print(1), image_generation_call|generating|AA',
        o: 'toolCallOutputDelta: message|No, message|1, code_interpreter_call|print(1), image_generation_call|generating|AA, shell_call_output|hi',
      });
      expectSubscriptions(source.subscriptions).toBe('^-----------!');
    });
  });

  it('marks an output_item.done re-sent with the same id as not first', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-M-M|', v);
      const result = source.pipe(
        trackStreamedKinds(),
        map(({ first }) => first),
      );
      expectObservable(result).toBe('-a-b|', { a: true, b: false });
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
  });

  it('matches delivered items by output index when an item has no id', () => {
    const anonymous = { type: 'message', role: 'assistant', content: [] };
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-x-x|', { x: events.itemDone(anonymous, 3) });
      expectObservable(
        source.pipe(
          trackStreamedKinds(),
          map(({ first }) => first),
        ),
      ).toBe('-a-b|', { a: true, b: false });
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
  });

  it('gives every subscription its own state', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-t-|', v);
      const tracked = source.pipe(trackStreamedKinds());
      const states: unknown[] = [];
      const result = tracked.pipe(map(({ state }) => (states.push(state), states.length)));
      expectObservable(result).toBe('-a-|', { a: 1 });
      expectObservable(result).toBe('-a-|', { a: 2 });
      scheduler.flush();
      expect(states[0]).not.toBe(states[1]);
      expectSubscriptions(source.subscriptions).toBe(['^--!', '^--!']);
    });
  });

  it('passes errors through', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const error = new Error('x');
      const source = cold('-c-#', v, error);
      expectObservable(source.pipe(trackStreamedKinds(), map(snapshot))).toBe(
        '-c-#',
        { c: { ...base, type: 'created' } },
        error,
      );
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('unsubscribes early', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-r-R-t-M-C-|', v);
      expectObservable(
        source.pipe(
          trackStreamedKinds(),
          map((x) => x.event.type),
        ),
        '^--!',
      ).toBe('-c-', { c: 'created' });
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('does not break the unsubscription chain', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-r-R-t-M-C-|', v);
      const result = source.pipe(
        map((x) => x),
        trackStreamedKinds(),
        map((x) => x.event.type),
      );
      expectObservable(result, '^----!').toBe('-c-r-', { c: 'created', r: 'reasoningSummaryDelta' });
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('stops listening to a synchronous source when unsubscribed', () => {
    scheduler.run(({ expectObservable, expectSubscriptions }) => {
      const { source, emitted, subscriptions } = synchronousSource(scheduler, () => v['t'] as NormalizedEvent);
      const result = source.pipe(
        trackStreamedKinds(),
        map(({ event }) => event.type),
        take(2),
      );
      expectObservable(result).toBe('(tt|)', { t: 'outputTextDelta' });
      scheduler.flush();
      expect(emitted).toHaveLength(2);
      expectSubscriptions(subscriptions).toBe('(^!)');
    });
  });

  it('an exception while recording an event errors the stream', () => {
    // An outputItemAdded without its item (a stage before that skipped validation).
    const broken = { type: 'outputItemAdded', item: null, outputIndex: 0 } as unknown as NormalizedEvent;
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-x-t-|', { ...v, x: broken });
      expectObservable(source.pipe(trackStreamedKinds(), map(snapshot))).toBe(
        '-c-#',
        { c: { ...base, type: 'created' } },
        expect.any(TypeError),
      );
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });
});
