/**
 * Load, inside the test run: many concurrent streams through the embedded server and `streamResponse` on loopback,
 * every provider shape and fault mixed, every stream's text and items checked exactly. `npm run load` runs 1,000.
 */
import { PROVIDER_SHAPES } from '../../lib/testing';
import { runLoad, runResumeLoad } from './loadRun';

describe('load', () => {
  it('delivers every concurrent stream exactly, with only the errors its fault calls for', async () => {
    const total = PROVIDER_SHAPES.length * 7 * 2; // every (shape, fault) pair twice: 84 streams at once
    const report = await runLoad(total);
    expect(report.failureDetails).toEqual([]);
    expect(report.done).toBe(total);
    expect(report.expectedErrors).toBe(PROVIDER_SHAPES.length * 4 * 2);
  });

  it('resumes every dropped background stream exactly: every text, nothing twice (npm run load -- --resume runs 1,000)', async () => {
    const report = await runResumeLoad(45);
    expect(report.failureDetails).toEqual([]);
    expect(report.done).toBe(45);
    expect(report.dropped).toBe(15);
    // Every stream sent to the dropping server is longer than DROP_AFTER (12) events: each was cut at least once.
    expect(report.cuts).toBeGreaterThanOrEqual(15);
  });
});
