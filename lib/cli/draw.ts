/**
 * How the CLI draws one answer: the transcript in output order, what a client reading only deltas would have shown,
 * and word-wrapped status lines.
 *
 * @module
 */
import type { Observable } from 'rxjs';
import type { ResponseEvent } from '../events';
import { TerminalRenderer, type TerminalSink } from '../terminal/renderer';
import { displayWidth } from '../terminal/width';
import { toTranscript } from '../transcript/toTranscript';
import {
  EMPTY_TRANSCRIPT,
  type Transcript,
  type TranscriptCell,
  type TranscriptUpdate,
} from '../transcript/transcript';
import type { WireItem } from '../wire/schemas';

/** What one answer delivered, counted as a client reading only deltas and as responses-rx see it. */
export interface TurnTally {
  /** Characters of answer text that arrived as `outputTextDelta`. */
  deltaAnswer: number;
  /** Characters of reasoning that arrived as reasoning deltas. */
  deltaReasoning: number;
  /** Characters of answer text in the items responses-rx delivered. */
  answer: number;
  /** Characters of reasoning summary in the items responses-rx delivered. */
  reasoning: number;
  /** Tool calls delivered. */
  toolCalls: number;
  /** The tool calls whose input arrived as `toolCallInputDelta` (by item id, call id or output index). */
  readonly deltaToolCalls: Set<string>;
  /** Items delivered that the provider never streamed (recovered from `response.completed`). */
  recovered: number;
  /** Events by type. */
  readonly counts: Map<string, number>;
}

export function newTally(): TurnTally {
  return {
    deltaAnswer: 0,
    deltaReasoning: 0,
    answer: 0,
    reasoning: 0,
    toolCalls: 0,
    deltaToolCalls: new Set(),
    recovered: 0,
    counts: new Map(),
  };
}

/** Counts one event into the tally. */
export function countEvent(tally: TurnTally, event: ResponseEvent): void {
  tally.counts.set(event.type, (tally.counts.get(event.type) ?? 0) + 1);
  if (event.type === 'outputTextDelta') tally.deltaAnswer += [...event.delta].length;
  else if (event.type === 'reasoningSummaryDelta' || event.type === 'reasoningContentDelta')
    tally.deltaReasoning += [...event.delta].length;
  else if (event.type === 'toolCallInputDelta')
    tally.deltaToolCalls.add(event.itemId ?? event.callId ?? String(event.outputIndex));
  else if (event.type === 'outputItemDone') {
    if (event.recovered) tally.recovered += 1;
    const item = event.item;
    if (item.type === 'message') tally.answer += [...partsText(item, 'content', 'output_text')].length;
    else if (item.type === 'reasoning') tally.reasoning += [...partsText(item, 'summary', 'summary_text')].length;
    else if (item.type.endsWith('_call')) tally.toolCalls += 1;
  }
}

function partsText(item: WireItem, field: string, type: string): string {
  const parts = item[field];
  return (Array.isArray(parts) ? parts : [])
    .filter((part: { type?: unknown; text?: unknown }) => part?.type === type && typeof part.text === 'string')
    .map((part: { text: string }) => part.text)
    .join('');
}

/** The two lines that show what responses-rx did for one answer, beside what a deltas-only client showed. */
export function comparisonLines(tally: TurnTally): string[] {
  const side = (answer: number, reasoning: number, tools: number): string =>
    `answer ${answer} of ${tally.answer} characters · reasoning ${reasoning} of ${tally.reasoning} · tool calls ${tools} of ${tally.toolCalls}`;
  return [
    `a client reading only deltas showed: ${side(Math.min(tally.deltaAnswer, tally.answer), Math.min(tally.deltaReasoning, tally.reasoning), Math.min(tally.deltaToolCalls.size, tally.toolCalls))}`,
    `responses-rx delivered:              ${side(tally.answer, tally.reasoning, tally.toolCalls)}` +
      (tally.recovered > 0 ? ` (${tally.recovered} item${tally.recovered === 1 ? '' : 's'} recovered)` : ''),
  ];
}

/**
 * Word-wraps a status line to `columns` display columns (none: as is), continuation lines indented by `indent`.
 */
export function wrapLine(text: string, columns: number | undefined, indent = '  '): string {
  if (columns === undefined || !Number.isFinite(columns) || columns < 20) return text;
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (line !== '' && displayWidth(candidate) > columns) {
      lines.push(line);
      line = `${indent}${word}`;
    } else {
      line = candidate;
    }
  }
  lines.push(line);
  return lines.join('\n');
}

/**
 * Passes transcript updates to a renderer in output order: a cell that arrives whole (a final item nothing streamed
 * for) waits until every cell with a lower output index in its turn was drawn, or the turn ends, so reasoning recovered
 * from `response.completed` is drawn before the answer it led to. Cells that stream are drawn live, as they come.
 */
export class OutputOrder {
  private readonly drawn = new Set<number>();
  private held: { index: number; update: TranscriptUpdate }[] = [];

  constructor(private readonly draw: (update: TranscriptUpdate) => void) {}

  push(update: TranscriptUpdate): void {
    if (update.type === 'turnStarted') {
      this.flush();
      this.drawn.clear();
    }
    if (update.type === 'turnCompleted') this.flush();
    if (update.type === 'cellAdded' && update.cell.status === 'final' && this.mustWait(update.cell)) {
      this.held.push({ index: update.cell.outputIndex!, update });
      return;
    }
    this.pass(update);
    this.release();
  }

  /** Draws every held cell, in output order (the turn ended, or the stream did). */
  flush(): void {
    const held = this.held.sort((a, b) => a.index - b.index);
    this.held = [];
    for (const { update } of held) this.pass(update);
  }

  private mustWait(cell: TranscriptCell): boolean {
    const index = cell.outputIndex;
    if (index === undefined) return false;
    for (let lower = 0; lower < index; lower++) if (!this.drawn.has(lower)) return true;
    return false;
  }

  private pass(update: TranscriptUpdate): void {
    if ('cell' in update && update.cell.outputIndex !== undefined) this.drawn.add(update.cell.outputIndex);
    this.draw(update);
  }

  private release(): void {
    for (;;) {
      const ready = this.held.sort((a, b) => a.index - b.index).find(({ update }) => !this.mustWait(cellOf(update)));
      if (ready === undefined) return;
      this.held.splice(this.held.indexOf(ready), 1);
      this.pass(ready.update);
    }
  }
}

function cellOf(update: TranscriptUpdate): TranscriptCell {
  return (update as Extract<TranscriptUpdate, { cell: TranscriptCell }>).cell;
}

/** Options of {@link drawAnswer}. */
export interface DrawOptions {
  readonly color: boolean;
  /** The transcript to continue (the previous turns). */
  readonly initial?: Transcript;
}

/**
 * Draws one answer to `out` (cells in output order, errors not drawn: the caller reports them on stderr).
 *
 * @returns the last transcript, or rejects with the stream's error once what arrived was drawn.
 */
export function drawAnswer(
  events$: Observable<ResponseEvent>,
  out: TerminalSink,
  options: DrawOptions,
): Promise<Transcript> {
  const renderer = new TerminalRenderer({ color: options.color, columns: () => out.columns });
  const write = (text: string): void => {
    if (text !== '') out.write(text);
  };
  const order = new OutputOrder((update) => write(renderer.render(update)));
  return new Promise<Transcript>((resolve, reject) => {
    let last: Transcript | undefined;
    events$.pipe(toTranscript(options.initial === undefined ? {} : { initial: options.initial })).subscribe({
      next: (update) => {
        last = update.transcript;
        if (update.type !== 'error') order.push(update);
      },
      error: (error: unknown) => {
        order.flush();
        write(renderer.end());
        reject(error);
      },
      complete: () => {
        order.flush();
        write(renderer.end());
        resolve(last ?? options.initial ?? EMPTY_TRANSCRIPT);
      },
    });
  });
}
