/**
 * What the demo's comparison lines count: a client reading only deltas sees the text and the tool calls whose input
 * streamed, responses-rx every item it delivered.
 */
import { lastValueFrom, toArray } from 'rxjs';
import { responseEvents } from '../../lib';
import { comparisonLines, countEvent, newTally } from '../../lib/cli/draw';
import { applyShape, items, streamedEvents, toSseText } from '../../lib/testing';

const answer = [
  items.reasoning('rs_1', 'Needs live data'),
  items.message('msg_1', 'Let me check.'),
  items.functionCall('fc_1', 'call_1', 'get_weather', '{"city":"Paris"}'),
];

async function linesFor(shape: 'streamed' | 'final-only'): Promise<string[]> {
  const events = await lastValueFrom(
    responseEvents(toSseText(applyShape(streamedEvents(answer), shape))).pipe(toArray()),
  );
  const tally = newTally();
  for (const event of events) countEvent(tally, event);
  return comparisonLines(tally);
}

describe('the demo comparison lines', () => {
  it('show the tool call a deltas-only client saw when its arguments streamed', async () => {
    const [deltasOnly, delivered] = await linesFor('streamed');
    expect(deltasOnly).toContain('a client reading only deltas showed: answer 13 of 13 characters');
    expect(deltasOnly).toContain('tool calls 1 of 1');
    expect(delivered).toContain('tool calls 1 of 1');
  });

  it('show no tool call for a deltas-only client when the provider sent the call whole', async () => {
    const [deltasOnly, delivered] = await linesFor('final-only');
    expect(deltasOnly).toContain('answer 0 of 13 characters');
    expect(deltasOnly).toContain('tool calls 0 of 1');
    expect(delivered).toContain('tool calls 1 of 1');
  });
});
