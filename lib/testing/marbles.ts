/**
 * Marble-test helpers: a TestScheduler wired to an assertion, so you can marble-test your own policies and timing.
 *
 * @module
 */
import { isDeepStrictEqual } from 'node:util';
import { TestScheduler } from 'rxjs/testing';

/**
 * A fresh `TestScheduler` whose frames are compared with `assertDeepEqual` (by default Node's deep strict
 * equality, with a readable diff on failure). With Jest, pass `(a, e) => expect(a).toEqual(e)`.
 *
 * ## Example
 * ```ts
 * import { createTestScheduler, events } from 'responses-rx/testing';
 * import { emitCompletedOnce } from 'responses-rx';
 *
 * createTestScheduler().run(({ cold, expectObservable }) => {
 *   const source = cold('-a-c-a|', { a: events.textDelta('hi'), c: events.completed() });
 *   expectObservable(source.pipe(emitCompletedOnce())).toBe('-a-(c|)', { a: events.textDelta('hi'), c: events.completed() });
 * });
 * ```
 */
export function createTestScheduler(
  assertDeepEqual: (actual: unknown, expected: unknown) => void = defaultAssert,
): TestScheduler {
  return new TestScheduler((actual, expected) => assertDeepEqual(actual, expected));
}

function defaultAssert(actual: unknown, expected: unknown): void {
  const normalize = (value: unknown): unknown =>
    JSON.parse(
      JSON.stringify(value ?? null, (_key, v: unknown) =>
        v instanceof Error ? { name: v.name, message: v.message, code: (v as { code?: unknown }).code } : v,
      ),
    );
  const a = normalize(actual);
  const e = normalize(expected);
  if (!isDeepStrictEqual(a, e)) {
    throw new Error(`Marble frames differ.\nactual:   ${JSON.stringify(a)}\nexpected: ${JSON.stringify(e)}`);
  }
}
