/**
 * FORCE_COLOR decides first (as in Node and chalk): `0` / `false` turn color off, any other value turns it on, even
 * for a pipe; then NO_COLOR, TERM=dumb and the TTY decide.
 */
import { of } from 'rxjs';
import { toTranscript } from 'responses-rx/transcript';
import { events, items } from 'responses-rx/testing';
import { isColorEnabled, renderTranscript } from 'responses-rx/terminal';

describe('FORCE_COLOR', () => {
  it('colors a pipe or a file when FORCE_COLOR is 1, 2, 3, true or empty', () => {
    for (const value of ['1', '2', '3', 'true', '']) {
      expect(isColorEnabled({ isTTY: false }, { FORCE_COLOR: value })).toBe(true);
    }
  });

  it('does not color a TTY when FORCE_COLOR is 0 or false', () => {
    expect(isColorEnabled({ isTTY: true }, { FORCE_COLOR: '0' })).toBe(false);
    expect(isColorEnabled({ isTTY: true }, { FORCE_COLOR: 'false' })).toBe(false);
  });

  it('wins over NO_COLOR and TERM=dumb, as in Node', () => {
    expect(isColorEnabled({ isTTY: false }, { FORCE_COLOR: '1', NO_COLOR: '1', TERM: 'dumb' })).toBe(true);
  });

  it('reaches renderTranscript through the process environment', async () => {
    const saved = process.env['FORCE_COLOR'];
    process.env['FORCE_COLOR'] = '1';
    try {
      const writes: string[] = [];
      const updates$ = of(
        events.created(),
        events.itemDone(items.message('msg_1', 'Hi'), 0),
        events.completed([items.message('msg_1', 'Hi')]),
      ).pipe(toTranscript());
      await renderTranscript(updates$, { write: (text: string) => writes.push(text), isTTY: false });
      expect(writes.join('')).toContain('\u001b[1manswer\u001b[0m');
    } finally {
      if (saved === undefined) delete process.env['FORCE_COLOR'];
      else process.env['FORCE_COLOR'] = saved;
    }
  });
});
