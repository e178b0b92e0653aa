/**
 * The renderer wraps by display columns, as a terminal draws them: wide CJK characters and emoji take two columns, an
 * emoji sequence of several code points (ZWJ family, skin tone) takes the columns of one emoji, and a cluster cut
 * across deltas is laid out whole: the lines are the same however the text was cut.
 */
import fc from 'fast-check';
import { from, lastValueFrom, toArray } from 'rxjs';
import { type ResponseEvent } from 'responses-rx';
import { type TranscriptUpdate, toTranscript } from 'responses-rx/transcript';
import { events, items } from 'responses-rx/testing';
import { TerminalRenderer, renderToString } from 'responses-rx/terminal';
import stringWidth from 'string-width';
import { configureFastCheck } from '../proof';

configureFastCheck();

const at = { itemId: 'msg_1', outputIndex: 0 };

function updatesOf(list: ResponseEvent[]): Promise<TranscriptUpdate[]> {
  return lastValueFrom(from(list).pipe(toTranscript(), toArray()));
}

/** What a renderer writes, one string per update and one for the end, when `deltas` stream at `columns`. */
function writesOf(deltas: string[], columns: number | undefined): string[] {
  let updates: TranscriptUpdate[] = [];
  from([events.created(), ...deltas.map((delta) => events.textDelta(delta, at)), events.completed()])
    .pipe(toTranscript(), toArray())
    .subscribe((all) => (updates = all));
  const renderer = new TerminalRenderer({ columns });
  return [...updates.map((update) => renderer.render(update)), renderer.end()];
}

/** `text` cut into deltas of `sizes[0]`, `sizes[1]`, … UTF-16 code units, the sizes taken in turn. */
function cut(text: string, sizes: number[]): string[] {
  const deltas: string[] = [];
  for (let at = 0, i = 0; at < text.length; i += 1) {
    const size = sizes[i % sizes.length] ?? 1;
    deltas.push(text.slice(at, at + size));
    at += size;
  }
  return deltas;
}

/** Half of a surrogate pair without its other half. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const clustersOf = (text: string): string[] => Array.from(segmenter.segment(text), ({ segment }) => segment);

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

  it('wraps a cluster that widens when its rest arrives as it wraps the whole cluster', async () => {
    // 🏳 alone takes one column and fits after "a "; 🏳️‍🌈 takes two and moves to the next line, cut or not.
    expect(await answerLines(['a 🏳', '\ufe0f\u200d🌈'], 3)).toEqual(['a', '🏳️‍🌈']);
    expect(await answerLines(['a 🏳\ufe0f\u200d🌈'], 3)).toEqual(['a', '🏳️‍🌈']);
    // The counterexample of seed -1273325330: ❤ takes one column, ❤️ two.
    expect(await answerLines(['a', '❤', '\ufe0f'], 2)).toEqual(['a', '❤️']);
    // A flag is one column per regional indicator until its second one arrives.
    expect(await answerLines(['🇫', '🇷', '🇫', '🇷'], 3)).toEqual(['🇫🇷', '🇫🇷']);
    // A word longer than the line is cut where the whole clusters put the cut.
    expect(await answerLines(['日本#', '\ufe0f\u20e3a'], 5)).toEqual(['日本', '#️⃣a']);
  });

  it('keeps a cluster whole when a surrogate pair is cut across deltas within it', async () => {
    // The family takes two columns, not two for 👨‍ and two for the rest: "a 👨‍👩‍👧 b" fits in six.
    expect(await answerLines(['a 👨\u200d\ud83d', '\udc69\u200d👧 b'], 6)).toEqual(['a 👨‍👩‍👧 b']);
    expect(writesOf(['a 👨\u200d\ud83d', '\udc69\u200d👧'], undefined).join('')).toBe('answer\na 👨‍👩‍👧\n\n');
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

  it('draws any text cut anywhere across deltas exactly as the text delivered whole, at any width or none (property)', () => {
    const piece = fc.constantFrom(
      'a',
      'word',
      'x'.repeat(12),
      ' ',
      '\n',
      '\t',
      '\r\n',
      '日本',
      '語',
      '한국어',
      '\u1100\u1161\u11a8', // 각 as three conjoining jamo
      '🙂',
      '👍🏽', // skin tone
      '👨\u200d👩\u200d👧', // ZWJ family
      '👩\u200d❤\ufe0f\u200d👨', // ZWJ with a variation selector inside
      '🏳\ufe0f\u200d🌈', // ZWJ from a one-column pictograph: one, two, one, then two columns as it arrives
      '🇺🇸', // flags: regional indicator pairs
      '🇫🇷',
      '🇺', // a lone regional indicator: pairs with the next one
      '🏴\udb40\udc67\udb40\udc62\udb40\udc73\udb40\udc63\udb40\udc74\udb40\udc7f', // a tag sequence flag
      '☺\ufe0f', // variation selectors: one column, then two
      '❤\ufe0f',
      '#\ufe0f\u20e3', // keycap
      'e\u0301', // combining marks
      'a\u0301\u0302',
      '\u0301', // a bare combining mark, joining whatever comes before (a space too)
      '\u200d',
      '\ufe0f',
      'क्ष', // a Devanagari conjunct
    );
    fc.assert(
      fc.property(
        fc.array(piece, { minLength: 1, maxLength: 24 }),
        fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 6 }),
        fc.option(fc.integer({ min: 1, max: 24 }), { nil: undefined }),
        (pieces, sizes, columns) => {
          const text = pieces.join('');
          const writes = writesOf(cut(text, sizes), columns);
          const streamed = writes.join('');
          expect(streamed).toBe(writesOf([text], columns).join(''));
          // Never half of a surrogate pair in one write (a terminal would draw U+FFFD).
          for (const write of writes) expect(write).not.toMatch(LONE_SURROGATE);
          // Every visible character is written, in order.
          expect(streamed.replace(/\s/g, '')).toBe(`answer${text.replace(/\s/g, '')}`);
          if (columns === undefined) return;
          // Every line under the header fits, unless it shows one cluster wider than the whole line (and nothing else).
          for (const line of streamed.split('\n').slice(1)) {
            const shown = clustersOf(line).filter((cluster) => stringWidth(cluster) > 0);
            if (shown.length > 1) expect(stringWidth(line)).toBeLessThanOrEqual(columns);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
