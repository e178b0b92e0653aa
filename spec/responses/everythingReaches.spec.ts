/**
 * Issue 11's failing inputs, each for its whole kind: what the stream carries — refusals, citations, hosted-tool
 * input, progress and images, MCP results, reasoning's opaque state — reaches the consumer live, and is rebuilt when
 * the provider never sends the finished item.
 */
import { type OutputItemDoneEvent, type ResponseEvent, responseEvents } from 'responses-rx';
import { type TranscriptCell, toTranscript } from 'responses-rx/transcript';
import { type WireJson, items, toSseText, wire } from 'responses-rx/testing';
import { collect } from '../support';

const run = async (stream: readonly WireJson[]) => {
  const result = await collect(responseEvents(toSseText([...stream])));
  expect(result.error).toBeUndefined();
  return result.values;
};
const ofType = <T extends ResponseEvent['type']>(values: readonly ResponseEvent[], type: T) =>
  values.filter((e): e is Extract<ResponseEvent, { type: T }> => e.type === type);
const done = (values: readonly ResponseEvent[]): OutputItemDoneEvent[] => ofType(values, 'outputItemDone');

const at = (itemId: string, outputIndex = 0) => ({ itemId, outputIndex });

/** Input 1: a refusal that only streams (completed.output empty). */
export const refusalStream: WireJson[] = [
  wire.created(),
  wire.outputItemAdded({ type: 'message', id: 'msg_r', role: 'assistant', status: 'in_progress', content: [] }, 0),
  wire.contentPartAdded(at('msg_r'), 0, 'refusal'),
  wire.refusalDelta("I can't ", at('msg_r')),
  wire.refusalDelta('help with that.', at('msg_r')),
  wire.refusalDone("I can't help with that.", at('msg_r')),
  wire.completed([]),
];

export const citation = {
  type: 'url_citation',
  title: 'Rayleigh scattering',
  url: 'https://en.wikipedia.org/wiki/Rayleigh_scattering',
  start_index: 0,
  end_index: 15,
};

/** Input 2: text, a citation, output_text.done; no output_item.done, completed.output empty. */
export const citationStream: WireJson[] = [
  wire.created(),
  wire.outputItemAdded({ type: 'message', id: 'msg_c', role: 'assistant', status: 'in_progress', content: [] }, 0),
  wire.contentPartAdded(at('msg_c')),
  wire.textDelta('Rayleigh scatte', at('msg_c')),
  wire.textDelta('ring makes it blue.', at('msg_c')),
  wire.annotationAdded(citation, at('msg_c')),
  wire.textDone('Rayleigh scattering makes it blue.', at('msg_c')),
  wire.completed([]),
];

const codeItem = items.codeInterpreterCall('ci_1', 'print(6*7)', ['42\n']);
const imageItem = items.imageGenerationCall('ig_1', 'RklOQUw=', { size: '1024x1024', outputFormat: 'png' });

/** Input 3: a code interpreter call and an image generation call, fully streamed. */
export const hostedToolsStream: WireJson[] = [
  wire.created(),
  wire.outputItemAdded({ ...codeItem, status: 'in_progress', code: '', outputs: null }, 0),
  wire.toolProgress('code_interpreter_call', 'in_progress', at('ci_1')),
  wire.codeDelta('print(', at('ci_1')),
  wire.codeDelta('6*7)', at('ci_1')),
  wire.codeDone('print(6*7)', at('ci_1')),
  wire.toolProgress('code_interpreter_call', 'interpreting', at('ci_1')),
  wire.toolProgress('code_interpreter_call', 'completed', at('ci_1')),
  wire.outputItemDone(codeItem, 0),
  wire.outputItemAdded({ type: 'image_generation_call', id: 'ig_1', status: 'in_progress', result: null }, 1),
  wire.toolProgress('image_generation_call', 'in_progress', at('ig_1', 1)),
  wire.toolProgress('image_generation_call', 'generating', at('ig_1', 1)),
  wire.partialImage('UEFSVElBTA==', at('ig_1', 1), 0, { size: '1024x1024', output_format: 'png' }),
  wire.toolProgress('image_generation_call', 'completed', at('ig_1', 1)),
  wire.outputItemDone(imageItem, 1),
  wire.completed([codeItem, imageItem]),
];

/** Input 5: reasoning with encrypted_content from a done-only provider that re-announces the item with the latest blob. */
export const encryptedStream: WireJson[] = [
  wire.created(),
  wire.outputItemAdded({ ...items.encryptedReasoning('rs_e', 'a'.repeat(844)), summary: [] }, 0),
  wire.summaryDone('Thinking about it', at('rs_e')),
  wire.outputItemAdded({ ...items.encryptedReasoning('rs_e', 'b'.repeat(1060)), summary: [] }, 0),
  wire.outputItemAdded({ type: 'reasoning', id: 'rs_e', summary: [] }, 0),
  wire.completed([]),
];

describe('everything the stream carries reaches the consumer', () => {
  it('delivers a refusal live and rebuilds the message with its refusal part (input 1)', async () => {
    const values = await run(refusalStream);
    expect(ofType(values, 'refusalDelta').map((e) => e.delta)).toEqual(["I can't ", 'help with that.']);
    expect(done(values)).toEqual([
      expect.objectContaining({
        recovered: true,
        item: expect.objectContaining({
          type: 'message',
          id: 'msg_r',
          content: [{ type: 'refusal', refusal: "I can't help with that." }],
        }),
      }),
    ]);
  });

  it('delivers a citation live and keeps it in the rebuilt message (input 2)', async () => {
    const values = await run(citationStream);
    expect(ofType(values, 'outputTextAnnotationAdded')).toEqual([
      expect.objectContaining({ annotation: citation, annotationIndex: 0, itemId: 'msg_c', contentIndex: 0 }),
    ]);
    expect(done(values).map((e) => e.item['content'])).toEqual([
      [{ type: 'output_text', text: 'Rayleigh scattering makes it blue.', annotations: [citation] }],
    ]);
  });

  it('delivers code input, interpreter progress and a partial image live (input 3)', async () => {
    const values = await run(hostedToolsStream);
    expect(ofType(values, 'toolCallInputDelta')).toEqual([
      expect.objectContaining({ itemType: 'code_interpreter_call', delta: 'print(', itemId: 'ci_1' }),
      expect.objectContaining({ itemType: 'code_interpreter_call', delta: '6*7)', itemId: 'ci_1' }),
    ]);
    expect(ofType(values, 'toolCallProgress').map((e) => `${e.itemType}:${e.status}`)).toEqual([
      'code_interpreter_call:in_progress',
      'code_interpreter_call:interpreting',
      'code_interpreter_call:completed',
      'image_generation_call:in_progress',
      'image_generation_call:generating',
      'image_generation_call:completed',
    ]);
    expect(ofType(values, 'partialImage')).toEqual([
      expect.objectContaining({ partialImageB64: 'UEFSVElBTA==', size: '1024x1024', outputFormat: 'png' }),
    ]);
    expect(done(values).map((e) => e.item)).toEqual([codeItem, imageItem]);
  });

  it('rebuilds hosted tool calls from their progress and done events when the items never come', async () => {
    const doneOnly = hostedToolsStream.filter((e) => e.type !== 'response.output_item.done');
    doneOnly[doneOnly.length - 1] = wire.completed([]);
    const values = await run(doneOnly);
    expect(done(values).map((e) => e.item)).toEqual([
      expect.objectContaining({ type: 'code_interpreter_call', id: 'ci_1', code: 'print(6*7)', status: 'completed' }),
      expect.objectContaining({
        type: 'image_generation_call',
        id: 'ig_1',
        result: 'UEFSVElBTA==',
        status: 'completed',
      }),
    ]);
  });

  it('rebuilds an MCP call that failed as failed, with an error', async () => {
    const values = await run([
      wire.created(),
      wire.outputItemAdded({ type: 'mcp_call', id: 'mcp_1', server_label: 'zip', name: 'shorten', arguments: '' }, 0),
      wire.mcpArgumentsDelta('{"url":"x"}', at('mcp_1')),
      wire.mcpArgumentsDone('{"url":"x"}', at('mcp_1')),
      wire.toolProgress('mcp_call', 'failed', at('mcp_1')),
      wire.completed([]),
    ]);
    expect(ofType(values, 'toolCallProgress').map((e) => e.status)).toEqual(['failed']);
    expect(done(values).map((e) => e.item)).toEqual([
      expect.objectContaining({
        type: 'mcp_call',
        arguments: '{"url":"x"}',
        status: 'failed',
        error: expect.stringMatching(/failed/),
      }),
    ]);
  });

  it('rebuilds shell calls and their output from command and output events', async () => {
    const values = await run([
      wire.created(),
      wire.shellCommandAdded('', { outputIndex: 0 }, 0),
      wire.shellCommandDelta('echo hi', { outputIndex: 0 }, 0),
      wire.shellCommandDone('echo hi', { outputIndex: 0 }, 0),
      wire.shellCommandAdded('', { outputIndex: 0 }, 1),
      wire.shellCommandDone('uname', { outputIndex: 0 }, 1),
      wire.shellOutputDelta({ stdout: 'hi\n' }, at('sho_1', 1), 0),
      wire.shellOutputDone(
        [{ stdout: 'hi\n', stderr: '', outcome: { type: 'exit', exit_code: 0 } }],
        at('sho_1', 1),
        0,
      ),
      wire.completed([]),
    ]);
    expect(ofType(values, 'toolCallOutputDelta')).toEqual([
      expect.objectContaining({ stdout: 'hi\n', commandIndex: 0 }),
    ]);
    expect(done(values).map((e) => e.item)).toEqual([
      expect.objectContaining({ type: 'shell_call', action: { commands: ['echo hi', 'uname'] }, status: 'completed' }),
      expect.objectContaining({
        type: 'shell_call_output',
        id: 'sho_1',
        output: [{ stdout: 'hi\n', stderr: '', outcome: { type: 'exit', exit_code: 0 } }],
      }),
    ]);
  });

  it('rebuilds reasoning with the latest encrypted_content seen (input 5)', async () => {
    const values = await run(encryptedStream);
    const [reasoning] = done(values);
    expect((reasoning?.item['encrypted_content'] as string).length).toBe(1060);
    expect(reasoning?.item['summary']).toEqual([{ type: 'summary_text', text: 'Thinking about it' }]);
  });
});

/** The final transcript cells of a stream, after `responseEvents` and `toTranscript`. */
const cellsOf = async (stream: readonly WireJson[]): Promise<readonly TranscriptCell[]> => {
  const result = await collect(responseEvents(toSseText([...stream])).pipe(toTranscript()));
  expect(result.error).toBeUndefined();
  return result.values.at(-1)?.transcript.cells ?? [];
};

describe('the transcript shows everything the stream carries', () => {
  it('shows a refusal once, in its own cell, live while it streams (input 1)', async () => {
    const result = await collect(responseEvents(toSseText(refusalStream)).pipe(toTranscript()));
    const live = result.values.find(
      (u) => u.type === 'cellDelta' || (u.type === 'cellAdded' && u.cell.status === 'streaming'),
    );
    expect(live).toMatchObject({ cell: { kind: 'refusal', status: 'streaming' } });
    expect(result.values.at(-1)?.transcript.cells).toEqual([
      expect.objectContaining({ kind: 'refusal', text: "I can't help with that.", status: 'final' }),
    ]);
  });

  it('puts the citation on the answer cell (input 2)', async () => {
    expect(await cellsOf(citationStream)).toEqual([
      expect.objectContaining({ kind: 'answer', text: 'Rayleigh scattering makes it blue.', citations: [citation] }),
    ]);
  });

  it('shows the code with its output and the image with its size (input 3)', async () => {
    expect(await cellsOf(hostedToolsStream)).toEqual([
      expect.objectContaining({
        kind: 'toolCall',
        itemType: 'code_interpreter_call',
        arguments: 'print(6*7)',
        output: '42\n',
        toolStatus: 'completed',
      }),
      expect.objectContaining({
        kind: 'toolCall',
        itemType: 'image_generation_call',
        image: { b64: 'RklOQUw=', partial: false, size: '1024x1024', outputFormat: 'png' },
      }),
    ]);
  });

  it('shows an approval request with what a UI needs to answer it, and a failed MCP call as failed (input 4)', async () => {
    const request = items.mcpApprovalRequest('mcpr_1', 'zip1', 'create_short_url', '{"url":"https://a.example"}');
    const failed = items.mcpCall('mcp_2', 'zip1', 'create_short_url', '{}', { error: 'Server timed out' });
    expect(await cellsOf([wire.created(), wire.outputItemDone(request, 0), wire.completed([request])])).toEqual([
      expect.objectContaining({
        kind: 'approvalRequest',
        approvalRequestId: 'mcpr_1',
        serverLabel: 'zip1',
        name: 'create_short_url',
        arguments: '{"url":"https://a.example"}',
      }),
    ]);
    expect(await cellsOf([wire.created(), wire.outputItemDone(failed, 0), wire.completed([failed])])).toEqual([
      expect.objectContaining({
        kind: 'toolCall',
        itemType: 'mcp_call',
        toolStatus: 'failed',
        error: 'Server timed out',
      }),
    ]);
  });

  it('attaches a *_output item to the cell of its call by call_id', async () => {
    const call = items.shellCall('sh_1', 'call_1', ['echo hi']);
    const output = items.shellCallOutput('sho_1', 'call_1', [{ stdout: 'hi\n' }]);
    expect(
      await cellsOf([
        wire.created(),
        wire.outputItemDone(call, 0),
        wire.outputItemDone(output, 1),
        wire.completed([call, output]),
      ]),
    ).toEqual([
      expect.objectContaining({ kind: 'toolCall', itemType: 'shell_call', arguments: 'echo hi', output: 'hi\n' }),
    ]);
  });
});
