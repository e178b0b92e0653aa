import { type Observable } from 'rxjs';
import { existsSync } from 'node:fs';
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
