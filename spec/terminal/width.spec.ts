/**
 * The renderer wraps by display columns, as a terminal draws them: wide CJK characters and emoji take two columns, an
 * emoji sequence of several code points (ZWJ family, skin tone) takes the columns of one emoji, and a cluster cut
 * across two deltas is measured whole.
 */
import fc from 'fast-check';
import { from, lastValueFrom, toArray } from 'rxjs';
import { type ResponseEvent, type TranscriptUpdate, toTranscript } from 'responses-rx';
import { events, items } from 'responses-rx/testing';
import { TerminalRenderer, renderToString } from 'responses-rx/terminal';
import stringWidth from 'string-width';

const at = { itemId: 'msg_1', outputIndex: 0 };

function updatesOf(list: ResponseEvent[]): Promise<TranscriptUpdate[]> {
  return lastValueFrom(from(list).pipe(toTranscript(), toArray()));
}

/** The answer's lines (header and blank lines dropped) when `deltas` stream at `columns`. */
async function answerLines(deltas: string[], columns: number): Promise<string[]> {
  const updates = await updatesOf([
    events.created(),
    ...deltas.map((delta) => events.textDelta(delta, at)),
    events.completed(),
  ]);
  const [header, ...lines] = renderToString(updates, { columns }).split('\n');
  expect(header).toBe('answer');
  return lines.filter((line) => line !== '');
}

describe('display width', () => {
  it('wraps CJK text at two columns a character', async () => {
    // 日本語の = 8 columns, テキスト = 8, です = 4: no two fit on a line of 10.
    expect(await answerLines(['日本語の テキスト です'], 10)).toEqual(['日本語の', 'テキスト', 'です']);
  });

  it('wraps emoji at two columns each', async () => {
    expect(await answerLines(['🙂🙂🙂 hi'], 6)).toEqual(['🙂🙂🙂', 'hi']);
  });

  it('counts an emoji ZWJ sequence or a skin tone as one emoji, not as its code points', async () => {
    expect(await answerLines(['👨‍👩‍👧 ab'], 5)).toEqual(['👨‍👩‍👧 ab']);
    expect(await answerLines(['👍🏽 ok 👍🏽'], 8)).toEqual(['👍🏽 ok 👍🏽']);
    expect(await answerLines(['e\u0301te\u0301 done'], 9)).toEqual(['e\u0301te\u0301 done']);
  });

  it('measures a grapheme cluster cut across two deltas whole', async () => {
    expect(await answerLines(['👨\u200d', '👩\u200d👧 ab'], 5)).toEqual(['👨‍👩‍👧 ab']);
    expect(await answerLines(['ok 👍', '🏽 fine'], 10)).toEqual(['ok 👍🏽 fine']);
  });

  it('cuts a CJK word longer than the line between characters, within the width', async () => {
    expect(await answerLines(['日本語日本語'], 5)).toEqual(['日本', '語日', '本語']);
  });

  it('never writes half of a surrogate pair cut across two deltas without wrapping', async () => {
    const updates = await updatesOf([
      events.created(),
      events.textDelta('hi \ud83d', at),
      events.textDelta('\ude42!', at),
      events.completed(),
    ]);
    const renderer = new TerminalRenderer();
    const writes = [...updates.map((update) => renderer.render(update)), renderer.end()];
    expect(writes.join('')).toContain('hi 🙂!');
    expect(writes.some((write) => /[\ud800-\udbff](?![\udc00-\udfff])/.test(write))).toBe(false);
  });

  it('cuts a tool call line to the width in columns', async () => {
    const call = items.functionCall('fc_1', 'call_1', 'search', `{"query": "${'東京'.repeat(40)}"}`);
    const text = renderToString(await updatesOf([events.created(), events.itemDone(call, 0), events.completed()]), {
      columns: 40,
    });
    const line = text.split('\n')[0] ?? '';
    expect(line).toMatch(/^tool search\(\{"query": "(東京)+東?…$/);
    expect(stringWidth(line)).toBeLessThanOrEqual(40);
    expect(stringWidth(line)).toBeGreaterThanOrEqual(39);
  });

  it('wraps mixed scripts within the width, streamed as whole, cut anywhere (property)', async () => {
    const piece = fc.constantFrom(
      'a',
      'word',
      ' ',
      '\n',
      '日本',
      '語',
      '🙂',
      '👨‍👩‍👧',
      '👍🏽',
      'e\u0301',
      '한국어',
      'x'.repeat(12),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(piece, { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 2, max: 24 }),
        fc.integer({ min: 1, max: 4 }),
        async (pieces, columns, cut) => {
          const text = pieces.join('');
          fc.pre(text.trim() !== '');
          const codePoints = [...text];
          const deltas: string[] = [];
          for (let i = 0; i < codePoints.length; i += cut) deltas.push(codePoints.slice(i, i + cut).join(''));
          const streamed = await answerLines(deltas, columns);
          const whole = await answerLines([text], columns);
          expect(streamed).toEqual(whole);
          for (const line of streamed) expect(stringWidth(line)).toBeLessThanOrEqual(columns);
        },
      ),
      { numRuns: 200 },
    );
  });
});
