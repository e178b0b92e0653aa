/**
 * The streams the embedded server and the testing kit build are what a model sends: deltas of whole code points.
 */
import { items, streamedEvents, tokenize } from 'responses-rx/testing';

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
