/**
 * The specs themselves: every fast-check property runs from a fixed seed (configureFastCheck in spec/proof.ts), so a
 * failure found once is found again by the next run and by anyone who replays it, and a green run stays green.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

function specFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? specFiles(path.join(dir, entry.name))
      : entry.name.endsWith('.spec.ts')
        ? [path.join(dir, entry.name)]
        : [],
  );
}

describe('the specs', () => {
  it('seed every fast-check property through configureFastCheck()', () => {
    const files = [...specFiles('spec'), ...specFiles('marbles')];
    const properties = files.filter((file) => /\bfc\.assert\(/.test(readFileSync(path.join(root, file), 'utf8')));
    expect(properties.length).toBeGreaterThan(10);
    const unseeded = properties.filter(
      (file) => !/^configureFastCheck\(\);$/m.test(readFileSync(path.join(root, file), 'utf8')),
    );
    expect(unseeded).toEqual([]);
  });
});
