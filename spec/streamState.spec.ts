/**
 * The tracker behind `TrackedEvent.state` is changed by the events it observes only: what it hands out is read-only.
 */
import { lastValueFrom, of, toArray } from 'rxjs';
import { trackStreamedKinds } from 'responses-rx';
import { events, items } from 'responses-rx/testing';
import { StreamTracker } from '../lib/streamState';

describe('StreamTracker', () => {
  it('records a delivered reasoning item, and lets no one else set it', () => {
    const tracker = new StreamTracker();
    tracker.observe(events.itemDone(items.reasoning('rs_1', 'hmm'), 0));
    expect(tracker.reasoningDelivered).toBe(true);
    const fresh = new StreamTracker();
    expect(() => {
      // @ts-expect-error reasoningDelivered is read-only
      fresh.reasoningDelivered = true;
    }).toThrow(TypeError);
    expect(fresh.reasoningDelivered).toBe(false);
  });

  it('keeps the first response id it saw, and lets no one else set it', () => {
    const tracker = new StreamTracker();
    tracker.observe(events.created('resp_1'));
    tracker.observe(events.created('resp_2'));
    expect(tracker.responseId).toBe('resp_1');
    expect(() => {
      // @ts-expect-error responseId is read-only
      tracker.responseId = 'resp_3';
    }).toThrow(TypeError);
    expect(tracker.responseId).toBe('resp_1');
  });

  it('is what trackStreamedKinds hands out as the read-only state', async () => {
    const tracked = await lastValueFrom(
      of(events.itemDone(items.message('msg_1', 'Hi'), 0)).pipe(trackStreamedKinds(), toArray()),
    );
    const state = tracked[0]!.state;
    expect(() => {
      // @ts-expect-error StreamState is read-only
      state.reasoningDelivered = true;
    }).toThrow(TypeError);
  });
});
