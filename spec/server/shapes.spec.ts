/**
 * The streams the embedded server and the testing kit build are what a model sends: deltas of whole code points.
 */
import { applyShape, items, streamedEvents, tokenize, wire } from 'responses-rx/testing';

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

describe('tokenize', () => {
  it('never cuts a surrogate pair', () => {
    const pieces = tokenize('ok 🙂🙂🙂 日本語 👨‍👩‍👧 done', 3);
    expect(pieces.join('')).toBe('ok 🙂🙂🙂 日本語 👨‍👩‍👧 done');
    expect(pieces.filter((piece) => LONE_SURROGATE.test(piece))).toEqual([]);
    expect(tokenize('🙂🙂🙂🙂🙂', 2)).toEqual(['🙂🙂', '🙂🙂', '🙂']);
  });

  it('gives streamedEvents deltas of whole code points', () => {
    const deltas = streamedEvents([items.message('msg_1', `a${'🙂'.repeat(9)}`)])
      .filter((event) => event.type === 'response.output_text.delta')
      .map((event) => event['delta'] as string);
    expect(deltas.join('')).toBe(`a${'🙂'.repeat(9)}`);
    expect(deltas.filter((delta) => LONE_SURROGATE.test(delta))).toEqual([]);
  });
});

describe('provider shapes keep what a consumer needs', () => {
  const citation = { type: 'url_citation', url: 'https://a.example', title: 'A', start_index: 0, end_index: 2 };
  const at = { itemId: 'msg_1', outputIndex: 0 };
  const added = {
    type: 'message',
    id: 'msg_1',
    role: 'assistant',
    status: 'in_progress',
    content: [],
    phase: 'final_answer',
  };
  const doneItemOf = (events: readonly { type: string; [key: string]: unknown }[]) =>
    events.find((event) => event.type === 'response.output_item.done')?.['item'];

  it('final-only keeps a refusal as a refusal part (not empty text)', () => {
    const stream = [
      wire.created(),
      wire.outputItemAdded({ ...added, phase: undefined }, 0),
      wire.refusalDelta("I can't help.", at),
      wire.refusalDone("I can't help.", at),
      wire.completed([]),
    ];
    expect(doneItemOf(applyShape(stream, 'final-only'))).toMatchObject({
      content: [{ type: 'refusal', refusal: "I can't help." }],
    });
  });

  it('final-only keeps annotations and phase when it aggregates deltas', () => {
    const stream = [
      wire.created(),
      wire.outputItemAdded(added, 0),
      wire.textDelta('Hi', at),
      wire.annotationAdded(citation, at),
      wire.textDone('Hi', at),
      wire.completed([]),
    ];
    expect(doneItemOf(applyShape(stream, 'final-only'))).toMatchObject({
      phase: 'final_answer',
      content: [{ type: 'output_text', text: 'Hi', annotations: [citation] }],
    });
  });

  it('final-only sends the upstream finished message whole when there is one', () => {
    const message = items.annotatedMessage('msg_1', 'Hi', [citation], 'final_answer');
    const sent = applyShape(streamedEvents([message]), 'final-only');
    expect(doneItemOf(sent)).toEqual(message);
  });

  it("done-only keeps refusal.done, annotations, hosted-tool progress and the tools' *.done events", () => {
    const stream = [
      wire.created(),
      wire.refusalDelta('No', at),
      wire.refusalDone('No', at),
      wire.annotationAdded(citation, at),
      wire.toolProgress('web_search_call', 'searching', { itemId: 'ws_1', outputIndex: 1 }),
      wire.codeDelta('print(1)', { itemId: 'ci_1', outputIndex: 2 }),
      wire.codeDone('print(1)', { itemId: 'ci_1', outputIndex: 2 }),
      wire.completed([]),
    ];
    expect(applyShape(stream, 'done-only').map((event) => event.type)).toEqual([
      'response.created',
      'response.refusal.done',
      'response.output_text.annotation.added',
      'response.web_search_call.searching',
      'response.code_interpreter_call_code.done',
      'response.completed',
    ]);
  });
});
