/**
 * lib/util/rx.ts loads the rxjs values lib/ uses from rxjs's published `./internal/*` files instead of its index (a
 * cold start loads ~70 of rxjs's 223 files). That is only sound while each is the very object rxjs exports: an rxjs
 * release that moves or copies one must fail here, not in an app (two Observable classes, a TestScheduler that does
 * not reach our timers).
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import * as rxjs from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import * as rx from '../../lib/util/rx';

describe('lib/util/rx', () => {
  it('exports each value as the identical object rxjs exports under the same name', () => {
    const names = Object.keys(rx);
    expect(names.length).toBeGreaterThan(20);
    const differing = names.filter(
      (name) => (rx as Record<string, unknown>)[name] !== (rxjs as Record<string, unknown>)[name],
    );
    expect(differing).toEqual([]);
  });

  it('shares the schedulers TestScheduler.run virtualizes (a timer from lib/util/rx runs in virtual time)', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    scheduler.run(({ expectObservable }) => {
      expectObservable(rx.timer(5).pipe(rx.map(() => 'a'))).toBe('-----(a|)');
    });
  });

  it('is what lib/ imports rxjs values from: the CommonJS index is not loaded by the library', () => {
    // ESLint enforces the same in .ci/run; this keeps it true for `npm test` alone.
    const lib = path.join(__dirname, '..', '..', 'lib');
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const file = path.join(dir, entry.name);
        return entry.isDirectory() ? walk(file) : file.endsWith('.ts') ? [file] : [];
      });
    const offenders = walk(lib).filter(
      (file) =>
        !file.endsWith(path.join('util', 'rx.ts')) &&
        /^import\s+\{[^}]*\}\s+from\s+'rxjs(\/internal\/[^']*)?';/m.test(readFileSync(file, 'utf8')),
    );
    expect(offenders).toEqual([]);
  });
});
