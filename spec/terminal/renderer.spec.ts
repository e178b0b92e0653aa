import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { NEVER, Observable, concat, from, lastValueFrom, toArray } from 'rxjs';
import { StreamClosedError, responseEvents } from 'responses-rx';
import { toTranscript } from 'responses-rx/transcript';
import { TerminalRenderer, isColorEnabled, renderToString, renderTranscript } from 'responses-rx/terminal';
import type { ResponseEvent } from 'responses-rx';
import type { TranscriptUpdate } from 'responses-rx/transcript';
import { events, items, parseJsonLines, streamedEvents, toSseText } from 'responses-rx/testing';
import { configureFastCheck } from '../proof';
import { printSkipped } from '../support';

configureFastCheck();

const ESC = '\u001b';
const stripAnsi = (text: string): string => text.replace(/\u001b\[[0-9;]*m/g, '');

async function updatesOf(sse: string): Promise<TranscriptUpdate[]> {
  return lastValueFrom(responseEvents(sse).pipe(toTranscript(), toArray()));
}

function updatesOfEvents(list: ResponseEvent[]): Promise<TranscriptUpdate[]> {
  return lastValueFrom(from(list).pipe(toTranscript(), toArray()));
}

/** A sink that records every write, as process.stdout would receive them. */
function recordingSink(options: { columns?: number; color?: boolean; isTTY?: boolean } = {}) {
  const writes: string[] = [];
  return { writes, sink: { write: (text: string) => writes.push(text), ...options } };
}

const weather = [
  items.reasoning('rs_1', '**Plan**\n\nLook it up in the weather service.', 'Then answer briefly.'),
  items.functionCall('fc_1', 'call_1', 'lookup', '{"city": "Paris"}'),
  items.message('msg_1', 'It is sunny in Paris today, with a light breeze from the west and 24 degrees.'),
];

const weatherLines = [
  'thinking',
  '**Plan**',
  '',
  'Look it up in the weather',
  'service.',
  '',
  'Then answer briefly.',
  '',
  'tool lookup({"city": "Paris"})',
  '',
  'answer',
  'It is sunny in Paris today,',
  'with a light breeze from the',
  'west and 24 degrees.',
  '',
  '',
];

describe('isColorEnabled', () => {
  it('colors a TTY', () => {
    expect(isColorEnabled({ isTTY: true }, {})).toBe(true);
  });

  it('does not color a pipe or a file', () => {
    expect(isColorEnabled({ isTTY: false }, {})).toBe(false);
    expect(isColorEnabled({}, {})).toBe(false);
  });

  it('does not color when NO_COLOR is set to anything but the empty string', () => {
    expect(isColorEnabled({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(isColorEnabled({ isTTY: true }, { NO_COLOR: 'false' })).toBe(false);
    expect(isColorEnabled({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
  });

  it('does not color a dumb terminal', () => {
    expect(isColorEnabled({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
  });
});

describe('terminal rendering', () => {
  it('renders a streamed response as plain text, line by line, wrapped to the width', async () => {
    const text = renderToString(await updatesOf(toSseText(streamedEvents(weather))), { columns: 30 });
    expect(text.split('\n')).toEqual(weatherLines);
    expect(text).not.toContain(ESC);
  });

  it('renders the same response with an italic magenta thinking header, a bold answer header and nothing else changed', async () => {
    const text = renderToString(await updatesOf(toSseText(streamedEvents(weather))), { columns: 30, color: true });
    const lines = text.split('\n');
    expect(lines[0]).toBe(`${ESC}[3;35mthinking${ESC}[0m`);
    expect(lines[8]).toBe(`${ESC}[36mtool${ESC}[0m lookup({"city": "Paris"})`);
    expect(lines[10]).toBe(`${ESC}[1manswer${ESC}[0m`);
    expect(lines.map(stripAnsi)).toEqual(weatherLines);
    // Only the headers are styled.
    expect(lines.filter((line) => line.includes(ESC))).toHaveLength(3);
  });

  it('draws the same text whether the answer streamed or arrived whole (final-only provider)', async () => {
    const streamed = renderToString(await updatesOf(toSseText(streamedEvents(weather))), { columns: 30 });
    const finalOnly = await updatesOfEvents([
      events.created(),
      ...weather.map((item, index) => events.itemDone(item, index, true)),
      events.completed(weather),
    ]);
    expect(renderToString(finalOnly, { columns: 30 })).toBe(streamed);
  });

  it('does not wrap when the width is unknown (output to a pipe)', async () => {
    const text = renderToString(await updatesOf(toSseText(streamedEvents(weather))));
    expect(text.split('\n')).toContain('It is sunny in Paris today, with a light breeze from the west and 24 degrees.');
  });

  it('writes only the new characters as deltas arrive', async () => {
    const long = items.message('msg_1', 'word '.repeat(100).trim());
    const { writes, sink } = recordingSink({ columns: 40, color: false });
    await renderTranscript(
      responseEvents(toSseText(streamedEvents([long], { deltaSize: 3 }))).pipe(toTranscript()),
      sink,
    );
    const text = writes.join('');
    expect(
      text
        .split('\n')
        .slice(1, -3)
        .every((line) => line.length <= 40 && line.length >= 35),
    ).toBe(true);
    expect(writes.length).toBeGreaterThan(100);
    expect(Math.max(...writes.map((w) => w.length))).toBeLessThanOrEqual(10);
    expect(stripAnsi(text).replace(/\s+/g, ' ').trim()).toBe(`answer ${'word '.repeat(100).trim()}`);
  });

  it('wraps incrementally exactly as it wraps the whole text at once, within the width (property)', () => {
    const piece = fc.constantFrom(
      'a',
      'bc',
      'word',
      'longerword',
      ' ',
      '  ',
      '\n',
      '\n\n',
      'é',
      '😀',
      '\t',
      'x'.repeat(25),
    );
    fc.assert(
      fc.property(
        fc.array(piece, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 5 }),
        (pieces, columns, cut) => {
          const text = pieces.join('');
          fc.pre(text.trim() !== '');
          const deltas: string[] = [];
          const chars = [...text];
          for (let i = 0; i < chars.length; i += cut) deltas.push(chars.slice(i, i + cut).join(''));
          const streamed = [
            events.created(),
            ...deltas.map((d) => events.textDelta(d, { itemId: 'm', outputIndex: 0 })),
            events.completed(),
          ];
          const whole = [events.created(), events.itemDone(items.message('m', text), 0), events.completed()];
          let a = '';
          let b = '';
          from(streamed)
            .pipe(toTranscript(), toArray())
            .subscribe((u) => (a = renderToString(u, { columns })));
          from(whole)
            .pipe(toTranscript(), toArray())
            .subscribe((u) => (b = renderToString(u, { columns })));
          expect(a).toBe(b);
          for (const line of a.split('\n'))
            expect([...line].length).toBeLessThanOrEqual(Math.max(columns, 'answer'.length));
          // Every visible character is written, in order.
          expect(a.replace(/\s/g, '')).toBe(`answer${text.replace(/\s/g, '')}`);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('renders two responses in a row as blocks separated by blank lines', async () => {
    const first = streamedEvents([items.message('msg_1', 'First answer.')]);
    const second = streamedEvents([items.reasoning('rs_2', 'Hmm.'), items.message('msg_2', 'Second answer.')], {
      responseId: 'resp_2',
    });
    const updates = await lastValueFrom(
      concat(responseEvents(toSseText(first)), responseEvents(toSseText(second))).pipe(toTranscript(), toArray()),
    );
    expect(renderToString(updates).split('\n')).toEqual([
      'answer',
      'First answer.',
      '',
      'thinking',
      'Hmm.',
      '',
      'answer',
      'Second answer.',
      '',
      '',
    ]);
  });

  it('shows what came and why it stopped when the stream is cut mid-answer, and rejects with the typed error', async () => {
    const full = streamedEvents([items.message('msg_1', 'This answer is cut short.')]);
    const cut = full.slice(0, full.findIndex((e) => e.type === 'response.output_text.delta') + 3);
    const { writes, sink } = recordingSink({ color: false });
    const done = renderTranscript(responseEvents(toSseText(cut)).pipe(toTranscript()), sink);
    await expect(done).rejects.toBeInstanceOf(StreamClosedError);
    const lines = writes.join('').split('\n');
    expect(lines[0]).toBe('answer');
    expect(lines[1]).toBe('This answer');
    expect(lines[2]).toBe('');
    expect(lines[3]).toMatch(/^error: Stream closed early: .* \[stream_closed\]$/);
    expect(lines.slice(4)).toEqual(['', '']);
    expect(writes.join('').match(/error:/g)).toHaveLength(1);
  });

  it('draws an error that arrives without an error update once', async () => {
    const { writes, sink } = recordingSink();
    const failing = new Observable<TranscriptUpdate>((subscriber) => subscriber.error(new Error('boom')));
    await expect(renderTranscript(failing, sink)).rejects.toThrow('boom');
    expect(writes.join('')).toBe('error: boom\n\n');
  });

  it('colors the error line red when color is on, and never colors a sink that is not a TTY', async () => {
    const red = new TerminalRenderer({ color: true }).renderError(new Error('boom'));
    expect(red).toBe(`${ESC}[1;31merror:${ESC}[0m boom\n\n`);
    const { writes, sink } = recordingSink({ isTTY: false });
    await renderTranscript(from(await updatesOf(toSseText(streamedEvents(weather)))), sink);
    expect(writes.join('')).not.toContain(ESC);
  });

  it('resolves with the last transcript', async () => {
    const { sink } = recordingSink();
    const transcript = await renderTranscript(
      responseEvents(toSseText(streamedEvents(weather))).pipe(toTranscript()),
      sink,
    );
    expect(transcript.status).toBe('completed');
    expect(transcript.cells.map((cell) => cell.kind)).toEqual(['reasoning', 'toolCall', 'answer']);
  });

  it('stops and rejects with the reason when aborted', async () => {
    const { writes, sink } = recordingSink();
    const controller = new AbortController();
    const updates$ = new Observable<TranscriptUpdate>((subscriber) => {
      from([events.created(), events.textDelta('Partial')])
        .pipe(toTranscript())
        .subscribe((u) => subscriber.next(u));
      return NEVER.subscribe();
    });
    const done = renderTranscript(updates$, sink, { signal: controller.signal });
    controller.abort(new Error('stopped'));
    await expect(done).rejects.toThrow('stopped');
    expect(writes.join('')).toBe('answer\nPartial\n\n');
  });

  it('never writes control characters from the model', async () => {
    const updates = await updatesOfEvents([
      events.created(),
      events.textDelta(`red ${ESC}[31mtext${ESC}[0m\r\n\u0007bell`),
      events.completed(),
    ]);
    expect(renderToString(updates)).toBe('answer\nred [31mtext[0m\nbell\n\n');
  });

  it('cuts a long tool call to one line of the width', async () => {
    const call = items.functionCall('fc_1', 'call_1', 'search', `{"query": "${'q'.repeat(80)}",\n "limit": 5}`);
    const text = renderToString(
      await updatesOfEvents([events.created(), events.itemDone(call, 0), events.completed()]),
      { columns: 40 },
    );
    const [line, ...rest] = text.split('\n');
    expect([...(line ?? '')].length).toBe(40);
    expect(line).toMatch(/^tool search\(\{"query": "q+…$/);
    expect(rest).toEqual(['', '']);
  });

  it('starts a new header when another cell interleaves with the open one', async () => {
    const updates = await updatesOfEvents([
      events.created(),
      events.summaryDelta('Think', { itemId: 'rs_1', outputIndex: 0 }),
      events.textDelta('Hi', { itemId: 'msg_1', outputIndex: 1 }),
      events.summaryDelta(' more', { itemId: 'rs_1', outputIndex: 0 }),
      events.completed(),
    ]);
    expect(renderToString(updates).split('\n')).toEqual([
      'thinking',
      'Think',
      '',
      'answer',
      'Hi',
      '',
      'thinking',
      'more',
      '',
      '',
    ]);
  });
});

describe('terminal rendering of a recorded stream', () => {
  const fixture = path.resolve(
    __dirname,
    '../../../shared/fixtures/recorded/openai/azure-gpt5-reasoning-multi-summary-no-encryption.chunks.txt',
  );
  const present = existsSync(fixture);
  if (!present) printSkipped('spec/terminal/renderer: the recorded-stream rendering tests');
  const maybe = present ? it : it.skip;

  const summary = (n: number): string[] => [
    `**Anonymized summary ${n}**`,
    '',
    'This is placeholder reasoning text for anonymized fixture',
    `summary index ${n}. The actual reasoning content has been`,
    'redacted; only the streaming structure is preserved for test',
    'purposes.',
  ];
  // The recording's answer deltas are 1105 "X" (anonymized); its final item's text differs and is not shown again.
  const answer = [...Array.from({ length: 18 }, () => 'X'.repeat(60)), 'X'.repeat(25)];
  const expected = ['thinking', ...summary(0), '', ...summary(1), '', ...summary(2), '', 'answer', ...answer, '', ''];

  maybe('renders azure-gpt5-reasoning-multi-summary-no-encryption line by line without color', async () => {
    const updates = await updatesOf(toSseText(parseJsonLines(readFileSync(fixture, 'utf8'))));
    const text = renderToString(updates, { columns: 60 });
    expect(text.split('\n')).toEqual(expected);
    expect(text).not.toContain(ESC);
    expect(text).not.toContain('Anonymized assistant response text.');
  });

  maybe('renders azure-gpt5-reasoning-multi-summary-no-encryption line by line with color', async () => {
    const updates = await updatesOf(toSseText(parseJsonLines(readFileSync(fixture, 'utf8'))));
    const lines = renderToString(updates, { columns: 60, color: true }).split('\n');
    expect(lines[0]).toBe(`${ESC}[3;35mthinking${ESC}[0m`);
    expect(lines[expected.indexOf('answer')]).toBe(`${ESC}[1manswer${ESC}[0m`);
    expect(lines.map(stripAnsi)).toEqual(expected);
  });
});

describe('TerminalRenderer and what the stream carries (issue 11)', () => {
  const citation = {
    type: 'url_citation',
    url: 'https://a.example/x',
    title: 'Source A',
    start_index: 0,
    end_index: 2,
  };

  it('shows citations as numbered footnotes under the answer, each source once', async () => {
    const message = items.annotatedMessage('msg_1', 'Sky is blue.', [
      citation,
      citation,
      { ...citation, url: 'https://b.example', title: 'B' },
    ]);
    const text = renderToString(await updatesOf(toSseText(streamedEvents([message]))));
    expect(text.split('\n')).toEqual([
      'answer',
      'Sky is blue.',
      '',
      '[1] Source A https://a.example/x',
      '[2] B https://b.example',
      '',
      '',
    ]);
  });

  it('shows a refusal under its own header and style', async () => {
    const refusal = items.refusal('msg_1', "I can't help with that.");
    const updates = await updatesOfEvents([events.created(), events.itemDone(refusal, 0), events.completed([refusal])]);
    expect(renderToString(updates).split('\n')).toEqual(['refused', "I can't help with that.", '', '']);
    expect(renderToString(updates, { color: true })).toContain(`${ESC}[1;33mrefused${ESC}[0m`);
  });

  it('shows hosted tool status lines while they run, then the call with its result and an image placeholder', async () => {
    const at = { itemId: 'ws_1', outputIndex: 0 };
    const search = items.webSearchCall('ws_1', 'sky color', ['https://a.example', 'https://b.example']);
    const image = items.imageGenerationCall('ig_1', 'RklO', { size: '1024x1024', outputFormat: 'png' });
    const updates = await updatesOfEvents([
      events.created(),
      events.toolProgress('web_search_call', 'in_progress', at),
      events.toolProgress('web_search_call', 'searching', at),
      events.itemDone(search, 0),
      events.itemDone(image, 1),
      events.completed([search, image]),
    ]);
    expect(renderToString(updates).split('\n')).toEqual([
      'tool web_search_call: in progress',
      'tool web_search_call: searching',
      'tool web_search_call(sky color)',
      '  2 sources: https://a.example, https://b.example',
      '',
      'tool image_generation_call()',
      '  [image 1024x1024 png]',
      '',
      '',
    ]);
  });

  it('shows an approval request with the id to answer it with', async () => {
    const request = items.mcpApprovalRequest('mcpr_1', 'zip1', 'shorten', '{"url":"u"}');
    const updates = await updatesOfEvents([events.created(), events.itemDone(request, 0), events.completed([request])]);
    expect(renderToString(updates)).toBe('approval needed: zip1.shorten({"url":"u"}) [mcpr_1]\n\n');
  });
});
