/**
 * Draws a transcript in a terminal, incrementally: as deltas arrive only the new characters are written (word-wrapped
 * to the terminal width by tracking the current column), never a redraw. Pure apart from the sink you give it.
 *
 * Layout: a `thinking` header (italic magenta) over each reasoning block, a bold `answer` header over each answer,
 * tool calls as one line, errors as an `error:` line, and a blank line after every block. Plain text, with no escape
 * codes at all, when color is off (see {@link isColorEnabled}: `FORCE_COLOR`, then the TTY, `NO_COLOR`, `TERM=dumb`).
 * Widths are display columns (./width.ts). Node only: `responses-rx/terminal`, never the main entry.
 *
 * @module
 */
import type { Observable, Subscription } from 'rxjs';
import {
  EMPTY_TRANSCRIPT,
  type Transcript,
  type TranscriptCell,
  type TranscriptUpdate,
} from '../transcript/transcript';
import { displayWidth, graphemeWidth, graphemesOf, truncateToWidth } from './width';

/** Where a renderer writes: `process.stdout`, or any object with `write` (tests collect the strings). */
export interface TerminalSink {
  write(text: string): unknown;
  /** The terminal width, read before every write (so a resized terminal wraps to its new width); none = no wrapping. */
  readonly columns?: number | undefined;
  /** Force color on or off; when absent, {@link isColorEnabled} decides from `isTTY` and the environment. */
  readonly color?: boolean | undefined;
  readonly isTTY?: boolean | undefined;
}

/** The header words of a {@link TerminalRenderer}. */
export interface TerminalLabels {
  /** @defaultValue 'thinking' */
  readonly reasoning?: string;
  /** @defaultValue 'answer' */
  readonly answer?: string;
  /** @defaultValue 'tool' */
  readonly toolCall?: string;
  /** @defaultValue 'error' */
  readonly error?: string;
  /** @defaultValue 'refused' */
  readonly refusal?: string;
  /** @defaultValue 'approval needed' */
  readonly approval?: string;
}

/** Options of {@link TerminalRenderer}. */
export interface TerminalRendererOptions {
  /**
   * Use ANSI styles.
   * @defaultValue false
   */
  readonly color?: boolean;
  /**
   * The width to wrap to, or a function read before every write (e.g. `() => process.stdout.columns`). Undefined,
   * 0 or not a number: no wrapping.
   * @defaultValue undefined (no wrapping)
   */
  readonly columns?: number | (() => number | undefined) | undefined;
  /** The header words. */
  readonly labels?: TerminalLabels;
}

/** Options of {@link renderTranscript}. */
export interface RenderTranscriptOptions extends Omit<TerminalRendererOptions, 'color' | 'columns'> {
  /** @defaultValue `sink.color`, else `isColorEnabled(sink, process.env)` */
  readonly color?: boolean;
  /** @defaultValue `sink.columns`, read before every write */
  readonly columns?: number | (() => number | undefined);
  /** Stops rendering (unsubscribes) and rejects with `signal.reason`. */
  readonly signal?: AbortSignal;
}

const SGR = {
  thinking: ['\u001b[3;35m', '\u001b[0m'],
  answer: ['\u001b[1m', '\u001b[0m'],
  tool: ['\u001b[36m', '\u001b[0m'],
  error: ['\u001b[1;31m', '\u001b[0m'],
  refusal: ['\u001b[1;33m', '\u001b[0m'],
  dim: ['\u001b[2m', '\u001b[0m'],
} as const;

/** C0/C1 control characters other than tab and newline: never written (model output must not drive the terminal). */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/u;

const TAB = '    ';

/**
 * True when output to `stream` should be colored. `FORCE_COLOR` decides first, as in Node and chalk: set to `0` or
 * `false` it turns color off, set to anything else (`1`, `2`, `3`, `true`, empty) it turns color on, even for a pipe
 * or a file. Otherwise: the stream is a TTY, `NO_COLOR` is unset or empty (no-color.org), and `TERM` is not `dumb`.
 *
 * ## Example
 * ```ts
 * import { isColorEnabled } from 'responses-rx/terminal';
 *
 * const color = isColorEnabled(process.stdout, process.env);
 * ```
 *
 * @param stream the output stream (only `isTTY` is read).
 * @param env the environment variables.
 */
export function isColorEnabled(
  stream: { readonly isTTY?: boolean | undefined },
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return force !== '0' && force !== 'false';
  const noColor = env['NO_COLOR'];
  if (noColor !== undefined && noColor !== '') return false;
  if (env['TERM'] === 'dumb') return false;
  return stream.isTTY === true;
}

/**
 * Turns transcript updates into terminal text, incrementally: `render(update)` returns only the characters to append
 * for that update. Words are held until they end (a space, a newline, or the end of the block) so they can move to
 * the next line whole when wrapping is on; a word longer than the line is cut. Blank lines at the start and end of
 * a block are dropped; tabs are four spaces; control characters are dropped. Widths are display columns, counted per
 * grapheme cluster: wide CJK characters and emoji take two, combining marks none. A cluster cut across deltas (an
 * emoji ZWJ sequence, a flag, a skin tone, a variation selector, a combining mark) is laid out whole, so the output,
 * line breaks included, is the same however the text was cut; with wrapping on, a word longer than the line is cut
 * only once the cluster after the cut has started.
 *
 * ```
 * updates:  --a(thinking, "Let me")--d(" think")--f--a(answer, "Hi")--f--
 * render
 * output:   "thinking\nLet me"  " think"  "\n\n"  "answer\nHi"  "\n\n"        (without wrapping)
 * ```
 *
 * ## Example
 * ```ts
 * import { responseEvents } from 'responses-rx';
 * import { toTranscript } from 'responses-rx/transcript';
 * import { TerminalRenderer } from 'responses-rx/terminal';
 *
 * const renderer = new TerminalRenderer({ color: true, columns: () => process.stdout.columns });
 * responseEvents(response).pipe(toTranscript()).subscribe({
 *   next: (update) => process.stdout.write(renderer.render(update)),
 *   complete: () => process.stdout.write(renderer.end()),
 * });
 * ```
 */
export class TerminalRenderer {
  private readonly color: boolean;
  private readonly columns: TerminalRendererOptions['columns'];
  private readonly labels: Required<TerminalLabels>;
  private out = '';
  private width = Infinity;
  /** The key of the cell whose block is open (header written, blank line not yet), if any. */
  private current: string | undefined;
  /** Columns used on the current line. */
  private col = 0;
  /** The word being typed, not yet written. */
  private word = '';
  private wordWidth = 0;
  /** Whitespace before `word`, written with it (dropped when the word moves to a new line). */
  private spaces = '';
  /**
   * The end of the block's text that the next delta may still continue: its last grapheme cluster (with the cluster
   * before it when that one ends in half of a surrogate pair). Not laid out yet: how wide a cluster is, and so where
   * the line breaks, is known only once the next cluster starts (`☺` takes one column, `☺\u{fe0f}` two; a lone
   * regional indicator one, a flag two).
   */
  private pending = '';
  /** The start of `pending` already written (without wrapping, where no line break can depend on it), else `''`. */
  private shown = '';
  /** Newlines not yet written: only written when more text follows in the block. */
  private newlines = 0;
  private blockHasText = false;
  private errorShown = false;

  constructor(options: TerminalRendererOptions = {}) {
    this.color = options.color ?? false;
    this.columns = options.columns;
    this.labels = {
      reasoning: options.labels?.reasoning ?? 'thinking',
      answer: options.labels?.answer ?? 'answer',
      toolCall: options.labels?.toolCall ?? 'tool',
      error: options.labels?.error ?? 'error',
      refusal: options.labels?.refusal ?? 'refused',
      approval: options.labels?.approval ?? 'approval needed',
    };
  }

  /** True once an error was drawn (by an `error` update or {@link TerminalRenderer.renderError}). */
  get hasRenderedError(): boolean {
    return this.errorShown;
  }

  /**
   * The text to append for one update.
   *
   * @param update an update from `toTranscript`.
   * @returns the characters to write (possibly empty).
   */
  render(update: TranscriptUpdate): string {
    this.begin();
    switch (update.type) {
      case 'cellAdded':
        if (update.cell.kind === 'toolCall') {
          if (update.cell.status === 'final') this.toolLine(update.cell);
          else this.toolStatus(update.cell);
          break;
        }
        if (update.cell.kind === 'approvalRequest') {
          this.approvalLine(update.cell);
          break;
        }
        this.open(update.cell);
        this.text(update.cell.text);
        if (update.cell.status === 'final') this.closeBlock(update.cell);
        break;
      case 'cellDelta':
        if (update.cell.kind === 'toolCall' || update.cell.kind === 'approvalRequest') break;
        if (this.current !== update.cell.key) this.open(update.cell);
        this.text(update.delta);
        break;
      case 'cellChanged':
        if (update.cell.kind === 'toolCall' && update.cell.status === 'streaming') this.toolStatus(update.cell);
        break;
      case 'cellFinalized':
        if (update.cell.kind === 'toolCall') this.toolLine(update.cell);
        else if (this.current === update.cell.key) this.closeBlock(update.cell);
        break;
      case 'error':
        this.errorBlock(update.error);
        break;
      case 'turnStarted':
      case 'turnCompleted':
        break;
    }
    return this.flushOut();
  }

  /**
   * Draws an error that arrived without an `error` update (e.g. the updates Observable itself failed).
   *
   * @returns the characters to write.
   */
  renderError(error: unknown): string {
    this.begin();
    this.errorBlock(error);
    return this.flushOut();
  }

  /**
   * Ends the open block, if any (writes its last word and the blank line).
   *
   * @returns the characters to write.
   */
  end(): string {
    this.begin();
    if (this.current !== undefined) this.close();
    return this.flushOut();
  }

  private begin(): void {
    const columns = typeof this.columns === 'function' ? this.columns() : this.columns;
    this.width =
      typeof columns === 'number' && Number.isFinite(columns) && columns >= 1 ? Math.floor(columns) : Infinity;
  }

  private flushOut(): string {
    const text = this.out;
    this.out = '';
    return text;
  }

  private style(kind: keyof typeof SGR, text: string): string {
    return this.color ? `${SGR[kind][0]}${text}${SGR[kind][1]}` : text;
  }

  /** Starts the block of `cell` (ending the open one): its header line. */
  private open(cell: TranscriptCell): void {
    if (this.current !== undefined) this.close();
    const header =
      cell.kind === 'reasoning'
        ? this.style('thinking', this.labels.reasoning)
        : cell.kind === 'refusal'
          ? this.style('refusal', this.labels.refusal)
          : this.style('answer', this.labels.answer);
    this.out += `${header}\n`;
    this.col = 0;
    this.pending = '';
    this.shown = '';
    this.current = cell.key;
  }

  /** Ends the open block: its last word, then the end of its line and a blank line. */
  private close(): void {
    for (const grapheme of graphemesOf(this.pending)) this.place(grapheme);
    this.pending = '';
    this.flushWord();
    this.spaces = '';
    this.newlines = 0;
    this.out += this.col > 0 ? '\n\n' : '\n';
    this.col = 0;
    this.blockHasText = false;
    this.current = undefined;
  }

  /** Ends a text block; an answer's citations follow it as numbered footnotes, one per distinct source. */
  private closeBlock(cell: TranscriptCell): void {
    this.close();
    if (cell.kind !== 'answer' || cell.citations.length === 0) return;
    const seen = new Set<string>();
    let n = 0;
    for (const citation of cell.citations) {
      const where = citation.url ?? citation.filename ?? citation.file_id ?? '';
      const key = `${citation.title ?? ''}\u0000${where}`;
      if (seen.has(key)) continue;
      seen.add(key);
      n += 1;
      const text = [citation.title, where].filter((part) => part !== undefined && part !== '').join(' ');
      this.out += `${this.style('dim', this.line(`[${n}] ${text}`, 0))}\n`;
    }
    this.out += '\n';
  }

  /** One line of plain text, without control characters or line breaks, cut to the width after `indent` columns. */
  private line(text: string, indent: number): string {
    const clean = [...text.replace(/\s+/g, ' ').trim()].filter((ch) => !CONTROL.test(ch)).join('');
    const room = this.width - indent;
    return room >= 1 ? truncateToWidth(clean, room) : clean;
  }

  /** A tool call in progress: `tool web_search_call: searching`, once per status. */
  private toolStatus(cell: Extract<TranscriptCell, { kind: 'toolCall' }>): void {
    // Function and custom tool calls run on the client: they have no progress to show.
    if (cell.itemType === 'function_call' || cell.itemType === 'custom_tool_call') return;
    const status = cell.toolStatus ?? (cell.image?.partial === true ? 'generating' : undefined);
    const key = `${cell.key}\u0000${status ?? ''}${cell.image === undefined ? '' : ' image'}`;
    if (status === undefined || this.shownStatus.get(cell.key) === key) return;
    this.shownStatus.set(cell.key, key);
    if (this.current !== undefined) this.close();
    const label = this.labels.toolCall;
    this.out += `${this.style('tool', label)} ${this.style('dim', this.line(`${cell.name}: ${status.replace(/_/g, ' ')}`, displayWidth(label) + 1))}\n`;
    this.col = 0;
  }

  private readonly shownStatus = new Map<string, string>();

  private toolLine(cell: Extract<TranscriptCell, { kind: 'toolCall' }>): void {
    if (this.current !== undefined) this.close();
    const label = this.labels.toolCall;
    const failed = cell.toolStatus === 'failed' ? ' failed' : '';
    const line = this.line(`${cell.name}(${cell.arguments})${failed}`, displayWidth(label) + 1);
    this.out += `${this.style('tool', label)} ${line}\n`;
    const indent = '  ';
    if (cell.image !== undefined) {
      const facts = [cell.image.size, cell.image.outputFormat].filter((fact) => fact !== undefined).join(' ');
      this.out += `${indent}${this.style('dim', `[image${facts === '' ? '' : ` ${facts}`}${cell.image.partial ? ', partial' : ''}]`)}\n`;
    }
    if (cell.sources.length > 0) {
      const names = cell.sources.map((source) => source.title ?? source.url ?? source.filename ?? '').filter((n) => n);
      this.out += `${indent}${this.style('dim', this.line(`${cell.sources.length} sources: ${names.join(', ')}`, indent.length))}\n`;
    }
    if (cell.output !== undefined && cell.output.trim() !== '') {
      this.out += `${indent}${this.line(`→ ${cell.output}`, indent.length)}\n`;
    }
    if (cell.error !== undefined && cell.error.trim() !== '') {
      this.out += `${indent}${this.style('error', this.line(`${this.labels.error}: ${cell.error}`, indent.length))}\n`;
    }
    this.out += '\n';
    this.col = 0;
  }

  /** An MCP approval request: what would run, and the id to answer with. */
  private approvalLine(cell: Extract<TranscriptCell, { kind: 'approvalRequest' }>): void {
    if (this.current !== undefined) this.close();
    const label = `${this.labels.approval}:`;
    const line = this.line(
      `${cell.serverLabel}.${cell.name}(${cell.arguments}) [${cell.approvalRequestId}]`,
      displayWidth(label) + 1,
    );
    this.out += `${this.style('refusal', label)} ${line}\n\n`;
    this.col = 0;
  }

  private errorBlock(error: unknown): void {
    if (this.current !== undefined) this.close();
    const label = `${this.labels.error}:`;
    this.out += this.style('error', label);
    this.col = displayWidth(label);
    this.blockHasText = true;
    this.spaces = ' ';
    this.text(describeError(error));
    this.current = 'error';
    this.close();
    this.errorShown = true;
  }

  /**
   * Appends text to the open block, wrapping at word boundaries. The text is cut into grapheme clusters together with
   * what is pending from the delta before, so a cluster cut across deltas (an emoji ZWJ sequence, a flag, a skin tone,
   * a variation selector, a combining mark, a surrogate pair) is laid out once, whole, exactly as if it came whole.
   */
  private text(text: string): void {
    const clusters = [...graphemesOf(this.pending + text)];
    let keep = clusters.length - 1;
    // Half of a surrogate pair: the code point it completes may continue the cluster before it, so keep both.
    if (keep > 0 && /^[\ud800-\udbff]$/.test(clusters[keep] ?? '')) keep -= 1;
    for (let i = 0; i < keep; i += 1) this.place(clusters[i] ?? '');
    this.pending = clusters.slice(Math.max(keep, 0)).join('');
    if (this.width !== Infinity) return;
    // Without wrapping no line break depends on a cluster's width: write what is pending of a word at once.
    if (keep === clusters.length - 1 && isWordCluster(this.pending)) {
      this.place(this.pending);
      this.shown = this.pending;
    }
    this.flushWord();
  }

  /** Lays out one whole grapheme cluster (only the rest of it when its start is written already). */
  private place(grapheme: string): void {
    if (this.shown !== '') {
      const shown = this.shown;
      this.shown = '';
      this.out += grapheme.slice(shown.length);
      this.col += graphemeWidth(grapheme) - graphemeWidth(shown);
    } else if (grapheme === '\n' || grapheme === '\r\n') {
      this.flushWord();
      this.spaces = '';
      if (this.blockHasText) this.newlines += 1;
    } else if (grapheme === ' ' || grapheme === '\t') {
      this.flushWord();
      // Whitespace before the first word of a block is dropped, like blank lines.
      if (this.blockHasText) this.spaces += grapheme === '\t' ? TAB : ' ';
    } else if (!CONTROL.test(grapheme)) {
      this.char(grapheme);
    }
  }

  private char(grapheme: string): void {
    if (this.newlines > 0) {
      this.out += '\n'.repeat(this.newlines);
      this.newlines = 0;
      this.col = 0;
    }
    const charWidth = graphemeWidth(grapheme);
    this.word += grapheme;
    this.wordWidth += charWidth;
    const width = this.width;
    if (this.col > 0 && this.col + this.spaces.length + this.wordWidth > width) {
      // The word no longer fits after what is on this line: it starts the next one.
      this.out += '\n';
      this.col = 0;
      this.spaces = '';
    }
    if (this.col === 0 && this.spaces.length + this.wordWidth > width) {
      // Indentation deeper than the line allows shrinks; a word longer than a whole line is cut.
      this.spaces = this.spaces.slice(0, Math.max(0, width - this.wordWidth));
      if (this.wordWidth > width && this.word.length > grapheme.length) {
        this.out += `${this.word.slice(0, -grapheme.length)}\n`;
        this.word = grapheme;
        this.wordWidth = charWidth;
      }
    }
  }

  /** Writes the word held. */
  private flushWord(): void {
    if (this.word === '') return;
    this.out += this.spaces + this.word;
    this.col += this.spaces.length + this.wordWidth;
    this.spaces = '';
    this.word = '';
    this.wordWidth = 0;
    this.blockHasText = true;
  }
}

/**
 * Renders a stream of transcript updates to a terminal (or any sink) as they arrive.
 *
 * ```
 * updates:  --a--d--d--f--D--|
 * renderTranscript(updates$, process.stdout)
 * stdout:   "answer\nHel" "lo" " world" "\n\n"            → resolves with the last transcript
 * ```
 *
 * ## Example
 * ```ts
 * import { responseEvents } from 'responses-rx';
 * import { toTranscript } from 'responses-rx/transcript';
 * import { renderTranscript } from 'responses-rx/terminal';
 *
 * const transcript = await renderTranscript(responseEvents(response).pipe(toTranscript()), process.stdout);
 * console.log(transcript.usage);
 * ```
 *
 * @param updates$ the output of `toTranscript`.
 * @param sink where to write: `process.stdout` or `{ write(s), columns?, color? }`.
 * @param options color, width, labels, and an abort signal.
 * @returns a Promise of the last transcript, resolved when `updates$` completes; rejected with its error after the
 *   error was drawn (so a CLI sets its exit code without printing it again), or with `signal.reason` when aborted.
 */
export function renderTranscript(
  updates$: Observable<TranscriptUpdate>,
  sink: TerminalSink,
  options: RenderTranscriptOptions = {},
): Promise<Transcript> {
  const color = options.color ?? sink.color ?? isColorEnabled(sink, globalThis.process?.env ?? {});
  const renderer = new TerminalRenderer({
    color,
    columns: options.columns ?? (() => sink.columns),
    ...(options.labels === undefined ? {} : { labels: options.labels }),
  });
  const write = (text: string): void => {
    if (text !== '') sink.write(text);
  };
  return new Promise<Transcript>((resolve, reject) => {
    const signal = options.signal;
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    let last: Transcript | undefined;
    let subscription: Subscription | undefined;
    const onAbort = (): void => {
      subscription?.unsubscribe();
      write(renderer.end());
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    subscription = updates$.subscribe({
      next: (update) => {
        last = update.transcript;
        write(renderer.render(update));
      },
      error: (error: unknown) => {
        signal?.removeEventListener('abort', onAbort);
        write(renderer.end());
        if (!renderer.hasRenderedError) write(renderer.renderError(error));
        reject(error);
      },
      complete: () => {
        signal?.removeEventListener('abort', onAbort);
        write(renderer.end());
        resolve(last ?? EMPTY_TRANSCRIPT);
      },
    });
  });
}

/**
 * Renders updates to one string, as {@link renderTranscript} would write them (for tests, replays and logs).
 *
 * ## Example
 * ```ts
 * import { responseEvents } from 'responses-rx';
 * import { toTranscript } from 'responses-rx/transcript';
 * import { renderToString } from 'responses-rx/terminal';
 * import { toArray, lastValueFrom } from 'rxjs';
 *
 * const updates = await lastValueFrom(responseEvents(sseText).pipe(toTranscript(), toArray()));
 * console.log(renderToString(updates, { columns: 80 }));
 * ```
 *
 * @param updates the updates, in order.
 * @param options color (default off), width (default no wrapping), labels.
 */
export function renderToString(updates: Iterable<TranscriptUpdate>, options: TerminalRendererOptions = {}): string {
  const renderer = new TerminalRenderer(options);
  let text = '';
  for (const update of updates) text += renderer.render(update);
  return text + renderer.end();
}

/** A grapheme cluster that is part of a word: not a line break, a space, a tab, a control character or half a pair. */
function isWordCluster(grapheme: string): boolean {
  return (
    grapheme !== '' &&
    grapheme !== '\n' &&
    grapheme !== '\r\n' &&
    grapheme !== ' ' &&
    grapheme !== '\t' &&
    !CONTROL.test(grapheme) &&
    !/^[\ud800-\udbff]$/.test(grapheme)
  );
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${error.message} [${code}]` : error.message;
  }
  return String(error);
}
