import { concat, from, map, take, throwError } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { ResponseFailedError, StreamClosedError } from 'responses-rx';
import { toTranscript } from 'responses-rx/transcript';
import type { ResponseEvent } from 'responses-rx';
import type { Transcript, TranscriptCell, TranscriptUpdate } from 'responses-rx/transcript';
import { createTestScheduler, events, items } from 'responses-rx/testing';
import { runSync } from '../spec/proof';
import { synchronousSource } from './support';

/** A cell as one short string: kind letter, `~` streaming or `=` final, then its text. */
const cellView = (cell: TranscriptCell): string => {
  const mark = cell.status === 'streaming' ? '~' : '=';
  if (cell.kind === 'toolCall' || cell.kind === 'approvalRequest') return `T${mark}${cell.name}(${cell.arguments})`;
  return `${cell.kind === 'answer' ? 'A' : cell.kind === 'refusal' ? 'X' : 'R'}${mark}${cell.text}`;
};

/** An update as one short string: what changed, then every cell of its snapshot. */
const view = (update: TranscriptUpdate): string => {
  const cells = update.transcript.cells.map(cellView).join(' ');
  switch (update.type) {
    case 'turnStarted':
      return `turn ${update.turn} ${update.responseId ?? '-'} | ${cells}`;
    case 'cellAdded':
      return `+${cellView(update.cell)} | ${cells}`;
    case 'cellDelta':
      return `${cellView(update.cell)} (+${update.delta}) | ${cells}`;
    case 'cellChanged':
      return `c ${cellView(update.cell)} | ${cells}`;
    case 'cellFinalized':
      return `f ${cellView(update.cell)} | ${cells}`;
    case 'turnCompleted':
      return `done ${update.turn} | ${cells}`;
    case 'error':
      return `error ${(update.error as { code?: string }).code ?? String(update.error)} | ${cells}`;
  }
};

const msg = items.message('msg_1', 'Hello');
const rs = items.reasoning('rs_1', 'Think', 'More');

const v: Record<string, ResponseEvent> = {
  c: events.created('resp_1'),
  k: events.created('resp_2'),
  // reasoning at output 0, two summary parts
  r: events.summaryDelta('Thi', { itemId: 'rs_1', outputIndex: 0 }, 0),
  s: events.summaryDelta('nk', { itemId: 'rs_1', outputIndex: 0 }, 0),
  u: events.summaryDelta('More', { itemId: 'rs_1', outputIndex: 0 }, 1),
  R: events.itemDone(rs, 0),
  // answer at output 1
  t: events.textDelta('Hel', { itemId: 'msg_1', outputIndex: 1 }),
  x: events.textDelta('lo', { itemId: 'msg_1', outputIndex: 1 }),
  M: events.itemDone(msg, 1),
  C: events.completed([rs, msg]),
};

describe('toTranscript', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = createTestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('streams answer deltas into a live cell that the final message closes without showing it again', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-t-x-M-C-|', v);
      expectObservable(source.pipe(toTranscript(), map(view))).toBe('-s-a-d-f-D-|', {
        s: 'turn 1 resp_1 | ',
        a: '+A~Hel | A~Hel',
        d: 'A~Hello (+lo) | A~Hello',
        f: 'f A=Hello | A=Hello',
        D: 'done 1 | A=Hello',
      });
      expectSubscriptions(source.subscriptions).toBe('^----------!');
    });
  });

  it('shows a final message that nothing streamed for whole, as its own final cell (final-only provider)', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c---M-C|', v);
      expectObservable(source.pipe(toTranscript(), map(view))).toBe('-s---a-D|', {
        s: 'turn 1 resp_1 | ',
        a: '+A=Hello | A=Hello',
        D: 'done 1 | A=Hello',
      });
      expectSubscriptions(source.subscriptions).toBe('^-------!');
    });
  });

  it('shows a recovered final message whole and marks it recovered', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-(MC|)', { ...v, M: events.itemDone(msg, 0, true) });
      const recovered = source.pipe(
        toTranscript(),
        map((u) => (u.type === 'cellAdded' ? u.cell.recovered : u.type)),
      );
      expectObservable(recovered).toBe('-s-(aD|)', { s: 'turnStarted', a: true, D: 'turnCompleted' });
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('streams reasoning then the answer, each in its own cell, reasoning parts separated by a blank line', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-r-s-u-R-t-x-M-C|', v);
      expectObservable(source.pipe(toTranscript(), map(view))).toBe('-s-a-d-e-f-b-g-h-D|', {
        s: 'turn 1 resp_1 | ',
        a: '+R~Thi | R~Thi',
        d: 'R~Think (+nk) | R~Think',
        e: 'R~Think\n\nMore (+\n\nMore) | R~Think\n\nMore',
        f: 'f R=Think\n\nMore | R=Think\n\nMore',
        b: '+A~Hel | R=Think\n\nMore A~Hel',
        g: 'A~Hello (+lo) | R=Think\n\nMore A~Hello',
        h: 'f A=Hello | R=Think\n\nMore A=Hello',
        D: 'done 1 | R=Think\n\nMore A=Hello',
      });
      expectSubscriptions(source.subscriptions).toBe('^-----------------!');
    });
  });

  it('shows reasoning that only arrives as a final item whole, after the streamed answer', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      // A provider that streams text but never reasoning: the fallback recovers the reasoning item at completed.
      const source = cold('-c-t-x-M-(RC|)', { ...v, R: events.itemDone(rs, 0, true) });
      expectObservable(source.pipe(toTranscript(), map(view))).toBe('-s-a-d-f-(bD|)', {
        s: 'turn 1 resp_1 | ',
        a: '+A~Hel | A~Hel',
        d: 'A~Hello (+lo) | A~Hello',
        f: 'f A=Hello | A=Hello',
        b: '+R=Think\n\nMore | A=Hello R=Think\n\nMore',
        D: 'done 1 | A=Hello R=Think\n\nMore',
      });
      expectSubscriptions(source.subscriptions).toBe('^--------!');
    });
  });

  it('shows a reasoning item without summary from its content, and one with neither not at all', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const raw = {
        type: 'reasoning',
        id: 'rs_2',
        summary: [],
        content: [{ type: 'reasoning_text', text: 'raw thought' }],
      };
      const encrypted = { type: 'reasoning', id: 'rs_3', summary: [], encrypted_content: 'gAAAA' };
      const source = cold('-c-E-W-C|', { ...v, E: events.itemDone(encrypted, 0), W: events.itemDone(raw, 1) });
      expectObservable(source.pipe(toTranscript(), map(view))).toBe('-s---a-D|', {
        s: 'turn 1 resp_1 | ',
        a: '+R=raw thought | R=raw thought',
        D: 'done 1 | R=raw thought',
      });
      expectSubscriptions(source.subscriptions).toBe('^-------!');
    });
  });

  it('streams raw reasoning content deltas into a reasoning cell', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-p-q-(C|)', {
        ...v,
        p: events.reasoningContentDelta('step ', { itemId: 'rs_1', outputIndex: 0 }),
        q: events.reasoningContentDelta('one', { itemId: 'rs_1', outputIndex: 0 }),
      });
      expectObservable(source.pipe(toTranscript(), map(view))).toBe('-s-a-d-(fD|)', {
        s: 'turn 1 resp_1 | ',
        a: '+R~step  | R~step ',
        d: 'R~step one (+one) | R~step one',
        f: 'f R=step one | R=step one',
        D: 'done 1 | R=step one',
      });
      expectSubscriptions(source.subscriptions).toBe('^------!');
    });
  });

  it('shows several reasoning items of one response as several cells, in order', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-a-A-b-B-C|', {
        ...v,
        a: events.summaryDelta('first', { itemId: 'rs_a', outputIndex: 0 }),
        A: events.itemDone(items.reasoning('rs_a', 'first'), 0),
        b: events.summaryDelta('second', { itemId: 'rs_b', outputIndex: 1 }),
        B: events.itemDone(items.reasoning('rs_b', 'second'), 1),
      });
      expectObservable(source.pipe(toTranscript(), map(view))).toBe('-s-a-f-b-g-D|', {
        s: 'turn 1 resp_1 | ',
        a: '+R~first | R~first',
        f: 'f R=first | R=first',
        b: '+R~second | R=first R~second',
        g: 'f R=second | R=first R=second',
        D: 'done 1 | R=first R=second',
      });
      expectSubscriptions(source.subscriptions).toBe('^-----------!');
    });
  });

  it('adds nothing for the same final message twice, nor for a recovered copy under a rotated id', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const rotated = events.itemDone(items.message('msg_rotated', 'Hello'), undefined, true);
      const source = cold('-c-M-M-N-C|', { ...v, N: rotated });
      expectObservable(source.pipe(toTranscript(), map(view))).toBe('-s-a-----D|', {
        s: 'turn 1 resp_1 | ',
        a: '+A=Hello | A=Hello',
        D: 'done 1 | A=Hello',
      });
      expectSubscriptions(source.subscriptions).toBe('^---------!');
    });
  });

  it('closes the streamed cell once when the provider re-sends the whole text in output_item.done twice', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-t-x-M-M-C|', v);
      expectObservable(source.pipe(toTranscript(), map(view))).toBe('-s-a-d-f---D|', {
        s: 'turn 1 resp_1 | ',
        a: '+A~Hel | A~Hel',
        d: 'A~Hello (+lo) | A~Hello',
        f: 'f A=Hello | A=Hello',
        D: 'done 1 | A=Hello',
      });
      expectSubscriptions(source.subscriptions).toBe('^-----------!');
    });
  });

  it('keeps the streamed text when an empty final message arrives after the deltas', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const empty = { type: 'message', id: 'msg_1', role: 'assistant', status: 'completed', content: [] };
      const source = cold('-c-t-x-E-C|', { ...v, E: events.itemDone(empty, 1) });
      expectObservable(source.pipe(toTranscript(), map(view))).toBe('-s-a-d-f-D|', {
        s: 'turn 1 resp_1 | ',
        a: '+A~Hel | A~Hel',
        d: 'A~Hello (+lo) | A~Hello',
        f: 'f A=Hello | A=Hello',
        D: 'done 1 | A=Hello',
      });
      expectSubscriptions(source.subscriptions).toBe('^---------!');
    });
  });

  it('adds no cell for an empty final message nothing streamed for', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const empty = items.message('msg_1', '');
      const source = cold('-c-E-C|', { ...v, E: events.itemDone(empty, 0) });
      expectObservable(source.pipe(toTranscript(), map(view))).toBe('-s---D|', {
        s: 'turn 1 resp_1 | ',
        D: 'done 1 | ',
      });
      expectSubscriptions(source.subscriptions).toBe('^-----!');
    });
  });

  it('keeps the streamed text when the final message says something else (the stream is what was shown)', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-t-E-C|', { ...v, E: events.itemDone(items.message('msg_1', 'Bonjour'), 1) });
      expectObservable(source.pipe(toTranscript(), map(view))).toBe('-s-a-f-D|', {
        s: 'turn 1 resp_1 | ',
        a: '+A~Hel | A~Hel',
        f: 'f A=Hel | A=Hel',
        D: 'done 1 | A=Hel',
      });
      expectSubscriptions(source.subscriptions).toBe('^-------!');
    });
  });

  it('completes a streamed cell with only the rest of the final text when the stream stopped short', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-t-M---C|', v);
      expectObservable(source.pipe(toTranscript(), map(view))).toBe('-s-a-(df)D|', {
        s: 'turn 1 resp_1 | ',
        a: '+A~Hel | A~Hel',
        d: 'A~Hello (+lo) | A~Hello',
        f: 'f A=Hello | A=Hello',
        D: 'done 1 | A=Hello',
      });
      expectSubscriptions(source.subscriptions).toBe('^---------!');
    });
  });

  it('matches the final item by output index when the provider rotates item ids', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-t-x-E-C|', { ...v, E: events.itemDone(items.message('msg_other', 'Hello'), 1) });
      expectObservable(source.pipe(toTranscript(), map(view))).toBe('-s-a-d-f-D|', {
        s: 'turn 1 resp_1 | ',
        a: '+A~Hel | A~Hel',
        d: 'A~Hello (+lo) | A~Hello',
        f: 'f A=Hello | A=Hello',
        D: 'done 1 | A=Hello',
      });
      expectSubscriptions(source.subscriptions).toBe('^---------!');
    });
  });

  it('streams deltas that carry neither item id nor output index into one cell that the final message closes', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-t-x-M-C|', { ...v, t: events.textDelta('Hel'), x: events.textDelta('lo') });
      expectObservable(source.pipe(toTranscript(), map(view))).toBe('-s-a-d-f-D|', {
        s: 'turn 1 resp_1 | ',
        a: '+A~Hel | A~Hel',
        d: 'A~Hello (+lo) | A~Hello',
        f: 'f A=Hello | A=Hello',
        D: 'done 1 | A=Hello',
      });
      expectSubscriptions(source.subscriptions).toBe('^---------!');
    });
  });

  it('shows two messages of one response as two answer cells', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-t-M-y-N-C|', {
        ...v,
        t: events.textDelta('Hello', { itemId: 'msg_1', outputIndex: 1 }),
        y: events.textDelta('Bye', { itemId: 'msg_2', outputIndex: 2 }),
        N: events.itemDone(items.message('msg_2', 'Bye'), 2),
      });
      expectObservable(source.pipe(toTranscript(), map(view))).toBe('-s-a-f-b-g-D|', {
        s: 'turn 1 resp_1 | ',
        a: '+A~Hello | A~Hello',
        f: 'f A=Hello | A=Hello',
        b: '+A~Bye | A=Hello A~Bye',
        g: 'f A=Bye | A=Hello A=Bye',
        D: 'done 1 | A=Hello A=Bye',
      });
      expectSubscriptions(source.subscriptions).toBe('^-----------!');
    });
  });

  it('shows a tool call as one cell with its name and arguments', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const call = items.functionCall('fc_1', 'call_1', 'lookup', '{"q":1}');
      const source = cold('-c-a-d-e-F-C|', {
        ...v,
        a: events.itemAdded({ ...call, arguments: '', status: 'in_progress' }, 0),
        d: events.toolInputDelta('{"q"', { itemId: 'fc_1', outputIndex: 0, callId: 'call_1' }),
        e: events.toolInputDelta(':1}', { itemId: 'fc_1', outputIndex: 0, callId: 'call_1' }),
        F: events.itemDone(call, 0),
      });
      expectObservable(source.pipe(toTranscript(), map(view))).toBe('-s-a-d-e-f-D|', {
        s: 'turn 1 resp_1 | ',
        a: '+T~lookup() | T~lookup()',
        d: 'T~lookup({"q") (+{"q") | T~lookup({"q")',
        e: 'T~lookup({"q":1}) (+:1}) | T~lookup({"q":1})',
        f: 'f T=lookup({"q":1}) | T=lookup({"q":1})',
        D: 'done 1 | T=lookup({"q":1})',
      });
      expectSubscriptions(source.subscriptions).toBe('^-----------!');
    });
  });

  it('shows a custom tool call that only arrives final, once', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const call = items.customToolCall('ct_1', 'call_9', 'apply_patch', '*** Begin Patch');
      const source = cold('-c-F-G-C|', {
        ...v,
        F: events.itemDone(call, 0),
        G: events.itemDone({ ...call, id: 'ct_rotated' }, undefined, true),
      });
      expectObservable(source.pipe(toTranscript(), map(view))).toBe('-s-a---D|', {
        s: 'turn 1 resp_1 | ',
        a: '+T=apply_patch(*** Begin Patch) | T=apply_patch(*** Begin Patch)',
        D: 'done 1 | T=apply_patch(*** Begin Patch)',
      });
      expectSubscriptions(source.subscriptions).toBe('^-------!');
    });
  });

  it('shows the refusal of a final message in a refusal cell', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-F-C|', { ...v, F: events.itemDone(items.refusal('msg_1', 'I cannot help.'), 0) });
      expectObservable(source.pipe(toTranscript(), map(view))).toBe('-s-a-D|', {
        s: 'turn 1 resp_1 | ',
        a: '+X=I cannot help. | X=I cannot help.',
        D: 'done 1 | X=I cannot help.',
      });
      expectSubscriptions(source.subscriptions).toBe('^-----!');
    });
  });

  it('streams a refusal live into its refusal cell, shown once when its message is recovered (issue 11, input 1)', () => {
    const at = { itemId: 'msg_r', outputIndex: 0 };
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-x-y-M-C|', {
        ...v,
        x: events.refusalDelta("I can't ", at),
        y: events.refusalDelta('help.', at),
        M: events.itemDone(items.refusal('msg_r', "I can't help."), 0, true),
      });
      expectObservable(source.pipe(toTranscript(), map(view))).toBe('-s-a-d-f-D|', {
        s: 'turn 1 resp_1 | ',
        a: "+X~I can't  | X~I can't ",
        d: "X~I can't help. (+help.) | X~I can't help.",
        f: "f X=I can't help. | X=I can't help.",
        D: "done 1 | X=I can't help.",
      });
      expectSubscriptions(source.subscriptions).toBe('^---------!');
    });
  });

  it('puts citations on the answer cell, live and from the final item (issue 11, input 2)', () => {
    const citation = { type: 'url_citation', url: 'https://a.example', title: 'A', start_index: 0, end_index: 5 };
    const at = { itemId: 'msg_1', outputIndex: 1 };
    const citationsOf = (update: TranscriptUpdate): string =>
      update.transcript.cells.map((cell) => (cell.kind === 'answer' ? cell.citations.length : '-')).join(',');
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-t-n-M-C|', {
        ...v,
        n: events.annotationAdded(citation, at),
        M: events.itemDone(items.annotatedMessage('msg_1', 'Hel', [citation], 'final_answer'), 1),
      });
      expectObservable(
        source.pipe(
          toTranscript(),
          map((u) => `${u.type} ${citationsOf(u)}`),
        ),
      ).toBe('-s-a-n-f-D|', {
        s: 'turnStarted ',
        a: 'cellAdded 0',
        n: 'cellChanged 1',
        f: 'cellFinalized 1',
        D: 'turnCompleted 1',
      });
      expectSubscriptions(source.subscriptions).toBe('^---------!');
    });
    const [final] = runSync(
      from([
        events.created(),
        events.itemDone(items.annotatedMessage('msg_1', 'Hi', [citation], 'final_answer'), 0),
      ]).pipe(toTranscript()),
    ).values.slice(-1);
    expect(final?.transcript.cells[0]).toMatchObject({ kind: 'answer', citations: [citation], phase: 'final_answer' });
  });

  it('shows hosted tool progress, live code and a partial image, then the result (issue 11, input 3)', () => {
    const ci = { itemId: 'ci_1', outputIndex: 0 };
    const ig = { itemId: 'ig_1', outputIndex: 1 };
    const toolView = (update: TranscriptUpdate): string =>
      update.transcript.cells
        .map((cell) =>
          cell.kind === 'toolCall'
            ? `${cell.itemType}[${cell.toolStatus ?? '-'}](${cell.arguments})=${cell.output ?? ''}${cell.image ? `img:${cell.image.b64}${cell.image.partial ? '~' : ''}` : ''}`
            : '',
        )
        .join(' ');
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-p-k-i-K-g-j-G-C|', {
        ...v,
        p: events.toolProgress('code_interpreter_call', 'in_progress', ci),
        k: events.toolInputDelta('print(6*7)', ci, 'code_interpreter_call'),
        i: events.toolProgress('code_interpreter_call', 'interpreting', ci),
        K: events.itemDone(items.codeInterpreterCall('ci_1', 'print(6*7)', ['42\n']), 0),
        g: events.toolProgress('image_generation_call', 'generating', ig),
        j: events.partialImage('UA==', ig),
        G: events.itemDone(items.imageGenerationCall('ig_1', 'RklO'), 1),
      });
      const code = 'code_interpreter_call[completed](print(6*7))=42\n';
      expectObservable(source.pipe(toTranscript(), map(toolView))).toBe('-s-a-d-e-f-b-h-F-D|', {
        s: '',
        a: 'code_interpreter_call[in_progress]()=',
        d: 'code_interpreter_call[in_progress](print(6*7))=',
        e: 'code_interpreter_call[interpreting](print(6*7))=',
        f: code,
        b: `${code} image_generation_call[generating]()=`,
        h: `${code} image_generation_call[generating]()=img:UA==~`,
        F: `${code} image_generation_call[completed]()=img:RklO`,
        D: `${code} image_generation_call[completed]()=img:RklO`,
      });
      expectSubscriptions(source.subscriptions).toBe('^-----------------!');
    });
  });

  it('starts a new turn on created: buffers and the once-only guard reset, earlier cells stay final', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      // The first response never completes; the second one sends the same answer again under the same ids.
      const source = cold('-c-t-k---x-M-C|', {
        ...v,
        x: events.textDelta('Hello', { itemId: 'msg_1', outputIndex: 1 }),
      });
      expectObservable(source.pipe(toTranscript(), map(view))).toBe('-s-a-(fz)b-g-D|', {
        s: 'turn 1 resp_1 | ',
        a: '+A~Hel | A~Hel',
        f: 'f A=Hel | A=Hel',
        z: 'turn 2 resp_2 | A=Hel',
        b: '+A~Hello | A=Hel A~Hello',
        g: 'f A=Hello | A=Hel A=Hello',
        D: 'done 2 | A=Hel A=Hello',
      });
      expectSubscriptions(source.subscriptions).toBe('^-------------!');
    });
  });

  it('shows two complete responses in a row as two turns, each answer once', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-M-C-k-M-C|', { ...v, C: events.completed([msg], 'resp_x') });
      const result = source.pipe(
        toTranscript(),
        map((u) => `${u.type} ${u.transcript.turn} ${u.transcript.cells.map((c) => c.key).join(',')}`),
      );
      expectObservable(result).toBe('-s-a-D-z-b-E|', {
        s: 'turnStarted 1 ',
        a: 'cellAdded 1 1:0',
        D: 'turnCompleted 1 1:0',
        z: 'turnStarted 2 1:0',
        b: 'cellAdded 2 1:0,2:0',
        E: 'turnCompleted 2 1:0,2:0',
      });
      expectSubscriptions(source.subscriptions).toBe('^-----------!');
    });
  });

  it('starts a turn implicitly when events arrive before any created', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-t---(C|)', v);
      expectObservable(source.pipe(toTranscript(), map(view))).toBe('-(sa)(fD|)', {
        s: 'turn 1 - | ',
        a: '+A~Hel | A~Hel',
        f: 'f A=Hel | A=Hel',
        D: 'done 1 | A=Hel',
      });
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('ends the streaming cells as final on an error mid-answer, reports the typed error once, then rethrows it', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const error = new StreamClosedError();
      const source = cold('-c-r-s-u-R-t-x-#', v, error);
      expectObservable(source.pipe(toTranscript(), map(view))).toBe(
        '-s-a-d-u-f-b-h-(ge#)',
        {
          s: 'turn 1 resp_1 | ',
          a: '+R~Thi | R~Thi',
          d: 'R~Think (+nk) | R~Think',
          u: 'R~Think\n\nMore (+\n\nMore) | R~Think\n\nMore',
          f: 'f R=Think\n\nMore | R=Think\n\nMore',
          b: '+A~Hel | R=Think\n\nMore A~Hel',
          h: 'A~Hello (+lo) | R=Think\n\nMore A~Hello',
          g: 'f A=Hello | R=Think\n\nMore A=Hello',
          e: 'error stream_closed | R=Think\n\nMore A=Hello',
        },
        error,
      );
      expectSubscriptions(source.subscriptions).toBe('^--------------!');
    });
  });

  it('carries the very error instance in the error update and in the transcript', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const error = new ResponseFailedError({ serverCode: 'server_error', source: 'response.failed' });
      const source = cold('-c-#', v, error);
      const result = source.pipe(
        toTranscript(),
        map((u) =>
          u.type === 'error'
            ? u.error === error && u.transcript.error === error && u.transcript.status === 'errored'
            : u.type,
        ),
      );
      expectObservable(result).toBe('-s-(e#)', { s: 'turnStarted', e: true }, error);
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it("completes after the error update with onError: 'complete'", () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const error = new StreamClosedError();
      const source = cold('-c-t-#', v, error);
      expectObservable(source.pipe(toTranscript({ onError: 'complete' }), map(view))).toBe('-s-a-(fe|)', {
        s: 'turn 1 resp_1 | ',
        a: '+A~Hel | A~Hel',
        f: 'f A=Hel | A=Hel',
        e: 'error stream_closed | A=Hel',
      });
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('makes the cells still streaming final when the source completes without completed', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-t-|', v);
      expectObservable(source.pipe(toTranscript(), map(view))).toBe('-s-a-(f|)', {
        s: 'turn 1 resp_1 | ',
        a: '+A~Hel | A~Hel',
        f: 'f A=Hel | A=Hel',
      });
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('continues an initial transcript as its next turn', () => {
    let initial: Transcript | undefined;
    from([v['c'], v['M'], v['C']] as ResponseEvent[])
      .pipe(toTranscript())
      .subscribe((u) => {
        initial = u.transcript;
      });
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-k-M-C|', v);
      expectObservable(source.pipe(toTranscript({ initial }), map(view))).toBe('-s-a-D|', {
        s: 'turn 2 resp_2 | A=Hello',
        a: '+A=Hello | A=Hello A=Hello',
        D: 'done 2 | A=Hello A=Hello',
      });
      expectSubscriptions(source.subscriptions).toBe('^-----!');
    });
  });

  it('continues the unfinished turn of an initial transcript when a resumed stream has no created', () => {
    // The first connection drops in the middle of the answer: the error makes the answer cell final.
    let dropped: Transcript | undefined;
    concat(
      from([v['c'], v['r'], v['s'], v['R'], v['t']] as ResponseEvent[]),
      throwError(() => new StreamClosedError()),
    )
      .pipe(toTranscript({ onError: 'complete' }))
      .subscribe({ next: (u) => (dropped = u.transcript) });
    expect(dropped?.status).toBe('errored');
    const R = 'R=Think\n\nMore';
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-x-M-C|', v);
      expectObservable(source.pipe(toTranscript({ initial: dropped }), map(view))).toBe('-d-f-D|', {
        d: `A~Hello (+lo) | ${R} A~Hello`,
        f: `f A=Hello | ${R} A=Hello`,
        D: `done 1 | ${R} A=Hello`,
      });
      expectSubscriptions(source.subscriptions).toBe('^-----!');
    });
  });

  it('rejects invalid options with a TypeError when the operator is created, before anything subscribes', () => {
    scheduler.run(({ cold, expectSubscriptions }) => {
      const source = cold('-c-|', v);
      expect(() => source.pipe(toTranscript({ onError: 'ignore' as 'complete' }))).toThrow(TypeError);
      expect(() => source.pipe(toTranscript({ initial: {} as never }))).toThrow(TypeError);
      expectSubscriptions(source.subscriptions).toBe([]);
    });
  });

  it('unsubscribes early', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-t-x-M-C-|', v);
      expectObservable(source.pipe(toTranscript(), map(view)), '^----!').toBe('-s-a-', {
        s: 'turn 1 resp_1 | ',
        a: '+A~Hel | A~Hel',
      });
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('does not break the unsubscription chain', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-t-x-M-C-|', v);
      const result = source.pipe(
        map((event) => event),
        toTranscript(),
        map(view),
      );
      expectObservable(result, '^--!').toBe('-s-', { s: 'turn 1 resp_1 | ' });
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('stops listening to a synchronous source when unsubscribed', () => {
    scheduler.run(({ expectObservable, expectSubscriptions }) => {
      // created (turnStarted), then text deltas (cellAdded, then cellDelta each): take(2) stops at the first delta.
      const { source, emitted, subscriptions } = synchronousSource(scheduler, (index) =>
        index === 0 ? (v['c'] as ResponseEvent) : (v['t'] as ResponseEvent),
      );
      const result = source.pipe(
        toTranscript(),
        map((update) => update.type),
        take(2),
      );
      expectObservable(result).toBe('(sa|)', { s: 'turnStarted', a: 'cellAdded' });
      scheduler.flush();
      expect(emitted).toHaveLength(2);
      expectSubscriptions(subscriptions).toBe('(^!)');
    });
  });

  it('an exception while applying an event errors the stream', () => {
    // An outputItemDone without its item (a stage before that skipped validation).
    const broken = { type: 'outputItemDone', item: null, outputIndex: 0, recovered: false } as unknown as ResponseEvent;
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-c-x-t-|', { ...v, x: broken });
      const result = source.pipe(
        toTranscript(),
        map((update) => update.type),
      );
      expectObservable(result).toBe('-s-#', { s: 'turnStarted' }, expect.any(TypeError));
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });
});
