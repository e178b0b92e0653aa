/**
 * Load, inside the test run: many concurrent streams through the embedded server and `streamResponse` on loopback,
 * every provider shape and fault mixed, every stream's text and items checked exactly. `npm run load` runs 1,000.
 */
import { PROVIDER_SHAPES } from '../../lib/testing';
import { runLoad } from './loadRun';

describe('load', () => {
  it('delivers every concurrent stream exactly, with only the errors its fault calls for', async () => {
    const total = PROVIDER_SHAPES.length * 7 * 2; // every (shape, fault) pair twice: 84 streams at once
    const report = await runLoad(total);
    expect(report.failureDetails).toEqual([]);
    expect(report.done).toBe(total);
    expect(report.expectedErrors).toBe(PROVIDER_SHAPES.length * 4 * 2);
  });
});
