import { type Observable } from 'rxjs';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** Everything an Observable emitted, and how it ended. */
export interface Collected<T> {
  readonly values: T[];
  readonly error: unknown;
  readonly completed: boolean;
}

/** Subscribes and resolves when the Observable ends (never rejects: the error is in the result). */
export function collect<T>(source: Observable<T>): Promise<Collected<T>> {
  return new Promise((resolve) => {
    const values: T[] = [];
    source.subscribe({
      next: (value) => values.push(value),
      error: (error: unknown) => resolve({ values, error, completed: false }),
      complete: () => resolve({ values, error: undefined, completed: true }),
    });
  });
}

/** The recorded Responses streams in `../shared/fixtures/recorded/openai`, next to the repository; undefined when absent. */
export function recordedDir(): string | undefined {
  const dir = path.resolve(__dirname, '../../shared/fixtures/recorded/openai');
  return existsSync(dir) ? dir : undefined;
}

/**
 * `it` when the recorded streams are present, else `it.skip` after printing which tests are skipped and why: a plain
 * clone has no `../shared`, and `npm test` must pass there.
 *
 * @param where the spec and what its skipped tests check, for the printed message.
 */
export function itWithRecordings(where: string): jest.It {
  if (recordedDir() !== undefined) return it;
  printSkipped(`${where}: its recorded-stream tests`);
  return it.skip;
}

/** The recordings' file names (`*.txt`), sorted; none when `../shared` is absent. */
export function recordingFiles(): string[] {
  const dir = recordedDir();
  if (dir === undefined) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith('.txt'))
    .sort();
}

/**
 * For a suite that needs the recordings, when they are absent: one skipped test under `title`, and the printed line
 * for `what` ({@link printSkipped}).
 */
export function skipWithoutRecordings(title: string, what: string): void {
  describe(title, () => {
    it.skip('skipped: ../shared/fixtures/recorded/openai is absent on this machine', () => undefined);
  });
  printSkipped(what);
}

/**
 * Prints one line saying what is skipped because `../shared/fixtures/recorded/openai` is absent. Written to stderr
 * directly: Jest shows no `console` output of a suite whose tests are all skipped.
 *
 * @param what the spec and what it skips.
 */
export function printSkipped(what: string): void {
  process.stderr.write(`${what} skipped: ../shared/fixtures/recorded/openai is absent\n`);
}

/**
 * Polls: resolves as soon as `condition()` holds, checking again after each short timer. The limit only turns a
 * condition that never comes into a readable failure; no test passes or fails on how long it took.
 */
export async function until(condition: () => boolean, what: string, limitMs = 10_000): Promise<void> {
  // performance.now(), not Date.now(): a spec may fake Date (and rxjs's clock with it) while it polls.
  const deadline = performance.now() + limitMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${limitMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}
