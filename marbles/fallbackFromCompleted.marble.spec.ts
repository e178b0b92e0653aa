import { map, pipe, take } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  fallbackFromCompleted,
  recoverByStreamedKinds,
  recoverMissing,
  recoverNothing,
  trackStreamedKinds,
} from 'responses-rx';
import type { FallbackPolicy, NormalizedEvent, WireItem } from 'responses-rx';
import { createTestScheduler, events, items } from 'responses-rx/testing';
import { synchronousSource } from './support';

const reasoning = items.reasoning('rs_1', 'Thinking it over');
const message = items.message('msg_1', 'Hello');
const call = items.functionCall('fc_1', 'call_1', 'lookup', '{"q":1}');
const messageAdded: WireItem = { type: 'message', id: 'msg_1', role: 'assistant', status: 'in_progress', content: [] };
const reasoningAdded: WireItem = { type: 'reasoning', id: 'rs_1', summary: [] };

const at0 = { itemId: 'rs_1', outputIndex: 0 };
const at1 = { itemId: 'msg_1', outputIndex: 1 };

const v: Record<string, NormalizedEvent> = {
  c: events.created(),
  A: events.itemAdded(reasoningAdded, 0),
  B: events.itemAdded(messageAdded, 1),
  r: events.summaryDelta('Thinking it over', at0),
  R: events.itemDone(reasoning, 0),
  t: events.textDelta('Hel', at1),
  u: events.textDelta('lo', at1),
  M: events.itemDone(message, 1),
  s: events.partDone('reasoningSummary', 'Thinking it over', at0),
  d: events.partDone('outputText', 'Hello', at1),
  C: events.completed([reasoning, message]),
  E: events.completed([]),
};

const recoveredReasoning = events.itemDone(reasoning, 0, true);
const recoveredMessage = events.itemDone(message, 1, true);

const fallback = (policy?: FallbackPolicy) =>
  pipe(trackStreamedKinds<NormalizedEvent>(), fallbackFromCompleted(policy));

describe('fallbackFromCompleted', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = createTestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('recovers nothing when everything streamed', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-A-r-R-B-t-u-M-C-|', v);
      expectObservable(source.pipe(fallback())).toBe('-c-A-r-R-B-t-u-M-C-|', v);
      expectSubscriptions(source.subscriptions).toBe('^------------------!');
    });
  });

  it('recovers every item from completed.output on a final-only provider, in output order, before completed', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-----C-', v);
      expectObservable(source.pipe(fallback())).toBe('-c-----(xyC)', {
        ...v,
        x: recoveredReasoning,
        y: recoveredMessage,
      });
      expectSubscriptions(source.subscriptions).toBe('^');
    });
  });

  it('recovers only the reasoning when text streamed but reasoning did not', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-B-t-u-M-C', v);
      const expected = '-c-B-t-u-M-(xC)';
      expectObservable(source.pipe(fallback(recoverMissing))).toBe(expected, { ...v, x: recoveredReasoning });
      expectObservable(source.pipe(fallback(recoverByStreamedKinds))).toBe(expected, { ...v, x: recoveredReasoning });
      expectSubscriptions(source.subscriptions).toBe(['^', '^']);
    });
  });

  it('rebuilds the answer of a done-only provider whose completed.output is empty', () => {
    const rebuilt: WireItem = { ...message };
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-A-s-B-d-E', v);
      expectObservable(source.pipe(fallback())).toBe('-c-A---B---(xyE)', {
        ...v,
        x: events.itemDone(
          { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'Thinking it over' }] },
          0,
          true,
        ),
        y: events.itemDone(rebuilt, 1, true),
      });
      expectSubscriptions(source.subscriptions).toBe('^');
    });
  });

  it('rebuilds from deltas alone when no item was announced and no *.done came', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-t-u-E', v);
      expectObservable(source.pipe(fallback())).toBe('-c-t-u-(yE)', { ...v, y: events.itemDone(message, 1, true) });
      expectSubscriptions(source.subscriptions).toBe('^');
    });
  });

  it('rebuilds a refusal and an annotated answer that only streamed (refusal parts, annotations kept)', () => {
    const citation = { type: 'url_citation', url: 'https://a.example', title: 'A', start_index: 0, end_index: 5 };
    const w: Record<string, NormalizedEvent> = {
      ...v,
      f: events.refusalDelta('No.', at0),
      F: events.partDone('refusal', 'No.', at0),
      n: events.annotationAdded(citation, at1),
    };
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-f-F-t-u-n-d-E', w);
      expectObservable(source.pipe(fallback())).toBe('-c-f---t-u-n---(xyE)', {
        ...w,
        x: events.itemDone(
          {
            type: 'message',
            id: 'rs_1',
            role: 'assistant',
            status: 'completed',
            content: [{ type: 'refusal', refusal: 'No.' }],
          },
          0,
          true,
        ),
        y: events.itemDone(items.annotatedMessage('msg_1', 'Hello', [citation]), 1, true),
      });
      expectSubscriptions(source.subscriptions).toBe('^');
    });
  });

  it('rebuilds a hosted tool call from its input, progress and partial image events', () => {
    const at = { itemId: 'ig_1', outputIndex: 0 };
    const w: Record<string, NormalizedEvent> = {
      ...v,
      a: events.itemAdded({ type: 'image_generation_call', id: 'ig_1', status: 'in_progress', result: null }, 0),
      g: events.toolProgress('image_generation_call', 'generating', at),
      p: events.partialImage('UEFSVA==', at),
    };
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-a-g-p-E', w);
      expectObservable(source.pipe(fallback())).toBe('-c-a-g-p-(xE)', {
        ...w,
        x: events.itemDone(items.imageGenerationCall('ig_1', 'UEFSVA=='), 0, true),
      });
      expectSubscriptions(source.subscriptions).toBe('^');
    });
  });

  it('lets recoverByStreamedKinds recover every output item when nothing streamed and no item was delivered', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c---C', v);
      expectObservable(source.pipe(fallback(recoverByStreamedKinds))).toBe('-c---(xyC)', {
        ...v,
        x: recoveredReasoning,
        y: recoveredMessage,
      });
      expectSubscriptions(source.subscriptions).toBe('^');
    });
  });

  it('lets recoverByStreamedKinds recover nothing once reasoning streamed, even an undelivered message', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-r-C', v);
      expectObservable(source.pipe(fallback(recoverByStreamedKinds))).toBe('-c-r-C', v);
      // recoverMissing, by contrast, recovers what was not delivered.
      expectObservable(source.pipe(fallback(recoverMissing))).toBe('-c-r-(xyC)', {
        ...v,
        x: recoveredReasoning,
        y: recoveredMessage,
      });
      expectSubscriptions(source.subscriptions).toBe(['^', '^']);
    });
  });

  it('rebuilds a function call from its output_item.added and its arguments when completed.output lacks it', () => {
    const added: WireItem = {
      type: 'function_call',
      id: 'fc_1',
      call_id: 'call_1',
      name: 'lookup',
      arguments: '',
      status: 'in_progress',
    };
    const at2 = { itemId: 'fc_1', outputIndex: 0 };
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-f-g-E', {
        ...v,
        a: events.itemAdded(added, 0),
        f: events.toolInputDelta('{"q"', { ...at2, callId: 'call_1' }),
        g: events.partDone('toolCallInput', '{"q":1}', at2, 0, 'function_call'),
      });
      expectObservable(source.pipe(fallback())).toBe('-a-f---(xE)', {
        ...v,
        a: events.itemAdded(added, 0),
        f: events.toolInputDelta('{"q"', { ...at2, callId: 'call_1' }),
        x: events.itemDone(call, 0, true),
      });
      expectSubscriptions(source.subscriptions).toBe('^');
    });
  });

  it('lets recoverByStreamedKinds show nothing for a done-only provider (it never rebuilds)', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-B-d-E|', v);
      expectObservable(source.pipe(fallback(recoverByStreamedKinds))).toBe('-c-B---E|', v);
      expectSubscriptions(source.subscriptions).toBe('^-------!');
    });
  });

  it('recovers nothing when items came by output_item.done and completed.output is empty', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-r-R-t-M-E|', v);
      expectObservable(source.pipe(fallback())).toBe('-c-r-R-t-M-E|', v);
      expectSubscriptions(source.subscriptions).toBe('^-----------!');
    });
  });

  it('delivers an output_item.done re-sent with the same id once', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-M-M-C', v);
      expectObservable(source.pipe(fallback())).toBe('-c-M---(xC)', { ...v, x: recoveredReasoning });
      expectSubscriptions(source.subscriptions).toBe('^');
    });
  });

  it('never emits an item already delivered, nor one twice, whatever the policy returns', () => {
    const greedy: FallbackPolicy = (_state, response) => [
      ...(response.output ?? []).map((item, outputIndex) => ({ item, outputIndex })),
      ...(response.output ?? []).map((item, outputIndex) => ({ item, outputIndex })),
    ];
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-M-C', v);
      expectObservable(source.pipe(fallback(greedy))).toBe('-c-M-(xC)', { ...v, x: recoveredReasoning });
      expectSubscriptions(source.subscriptions).toBe('^');
    });
  });

  it('emits recovered items in output order whatever order the policy returns', () => {
    const reversed: FallbackPolicy = (state, response) => [...recoverMissing(state, response)].reverse();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-C', v);
      expectObservable(source.pipe(fallback(reversed))).toBe('-c-(xyC)', {
        ...v,
        x: recoveredReasoning,
        y: recoveredMessage,
      });
      expectSubscriptions(source.subscriptions).toBe('^');
    });
  });

  it('recovers nothing with recoverNothing', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-C|', v);
      expectObservable(source.pipe(fallback(recoverNothing))).toBe('-c-C|', v);
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
  });

  it('treats an item whose id rotated between events as delivered (same output index and type)', () => {
    const rotatedOutput = [
      { ...reasoning, id: 'rs_rotated' },
      { ...message, id: 'msg_rotated' },
    ];
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-R-M-C|', { ...v, C: events.completed(rotatedOutput) });
      expectObservable(source.pipe(fallback())).toBe('-c-R-M-C|', { ...v, C: events.completed(rotatedOutput) });
      expectSubscriptions(source.subscriptions).toBe('^-------!');
    });
  });

  it('keeps a different item at an index whose delivered id is still in completed.output', () => {
    const output = [message, call];
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      // A provider that numbers every item 0: msg_1 was delivered at 0, fc_1 sits at 1 in the output.
      const source = cold('-c-m-C', { ...v, m: events.itemDone(message, 0), C: events.completed(output) });
      expectObservable(source.pipe(fallback())).toBe('-c-m-(xC)', {
        ...v,
        m: events.itemDone(message, 0),
        x: events.itemDone(call, 1, true),
        C: events.completed(output),
      });
      expectSubscriptions(source.subscriptions).toBe('^');
    });
  });

  it('never passes partDone evidence on', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-t-d-M-s-R-C|', v);
      expectObservable(source.pipe(fallback())).toBe('-c-t---M---R-C|', v);
      expectSubscriptions(source.subscriptions).toBe('^-------------!');
    });
  });

  it('fails with the policy error when a policy throws', () => {
    const error = new Error('policy bug');
    const throwing: FallbackPolicy = () => {
      throw error;
    };
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-C-|', v);
      expectObservable(source.pipe(fallback(throwing))).toBe('-c-#', v, error);
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('fails with a TypeError when a policy returns something other than an array', () => {
    const wrong = (() => 'nothing') as unknown as FallbackPolicy;
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-C|', v);
      expectObservable(source.pipe(fallback(wrong))).toBe('-c-#', v, expect.any(TypeError));
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('fails with the TypeError of a policy returning a candidate without an item', () => {
    const withoutItem = (() => [{ outputIndex: 0 }]) as unknown as FallbackPolicy;
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-C-|', v);
      expectObservable(source.pipe(fallback(withoutItem))).toBe('-c-#', v, expect.any(TypeError));
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('rejects a policy that is not a function when created, before anything subscribes', () => {
    scheduler.run(({ cold, expectSubscriptions }) => {
      const source = cold('-c-C|', v);
      expect(() =>
        source.pipe(trackStreamedKinds(), fallbackFromCompleted('recoverMissing' as unknown as FallbackPolicy)),
      ).toThrow(TypeError);
      expectSubscriptions(source.subscriptions).toBe([]);
    });
  });

  it('unsubscribes early', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-B-t-u-M-C|', v);
      expectObservable(source.pipe(fallback()), '^----!').toBe('-c-B-', v);
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('does not break the unsubscription chain', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-B-t-u-M-C|', v);
      const result = source.pipe(
        map((x) => x),
        fallback(),
        map((x) => x),
      );
      expectObservable(result, '^------!').toBe('-c-B-t-', v);
      expectSubscriptions(source.subscriptions).toBe('^------!');
    });
  });

  it('stops listening to a synchronous source when unsubscribed', () => {
    scheduler.run(({ expectObservable, expectSubscriptions }) => {
      const { source, emitted, subscriptions } = synchronousSource(scheduler, () => v['t'] as NormalizedEvent);
      expectObservable(source.pipe(fallback(), take(2))).toBe('(tt|)', v);
      scheduler.flush();
      expect(emitted).toHaveLength(2);
      expectSubscriptions(subscriptions).toBe('(^!)');
    });
  });

  it('stops listening to a synchronous source when unsubscribed while recovering', () => {
    scheduler.run(({ expectObservable, expectSubscriptions }) => {
      // created, then completed (two items to recover), then more: take(2) stops after the first recovered item.
      const { source, emitted, subscriptions } = synchronousSource(scheduler, (index) =>
        index === 1 ? (v['C'] as NormalizedEvent) : (v['c'] as NormalizedEvent),
      );
      expectObservable(source.pipe(fallback(), take(2))).toBe('(cx|)', { ...v, x: recoveredReasoning });
      scheduler.flush();
      expect(emitted).toHaveLength(2);
      expectSubscriptions(subscriptions).toBe('(^!)');
    });
  });
});
