/**
 * The package as users install it: builds dist/ and loads it through the exports map, as CommonJS and as an ES
 * module, from a separate folder that links the package in node_modules.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
let consumer: string;

beforeAll(() => {
  execFileSync(process.execPath, [path.join(root, 'scripts/build.js')], { cwd: root, stdio: 'pipe' });
  consumer = mkdtempSync(path.join(os.tmpdir(), 'responses-rx-consumer-'));
  mkdirSync(path.join(consumer, 'node_modules'));
  symlinkSync(root, path.join(consumer, 'node_modules', 'responses-rx'), 'dir');
}, 180_000);

afterAll(() => rmSync(consumer, { recursive: true, force: true }));

const script = `
  const sse = t.toSseText(t.applyShape(t.streamedEvents([t.items.reasoning('rs', 'hmm'), t.items.message('m', 'Hello')]), 'final-only'));
  const seen = [];
  rx.responseEvents(sse).subscribe({
    next: (e) => seen.push(e.type + (e.recovered ? '*' : '')),
    complete: () => console.log(seen.join(',')),
  });
`;
const expected = 'created,outputItemDone,outputItemDone*,completed';

describe('package', () => {
  it('loads as CommonJS through the exports map', () => {
    const out = execFileSync(
      process.execPath,
      ['-e', `const rx = require('responses-rx'); const t = require('responses-rx/testing'); ${script}`],
      { cwd: consumer },
    ).toString();
    expect(out.trim()).toBe(expected);
  });

  it('loads as an ES module through the exports map', () => {
    const out = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import * as rx from 'responses-rx'; import * as t from 'responses-rx/testing'; ${script}`,
      ],
      { cwd: consumer },
    ).toString();
    expect(out.trim()).toBe(expected);
  });

  it('ships type declarations first in the exports map, and declares no side effects', () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect(Object.keys(pkg.exports['.'])[0]).toBe('types');
    expect(Object.keys(pkg.exports['./testing'])[0]).toBe('types');
    expect(Object.keys(pkg.exports['./server'])[0]).toBe('types');
    expect(pkg.exports['./package.json']).toBe('./package.json');
    expect(pkg.sideEffects).toBe(false);
    expect(pkg.peerDependencies.rxjs).toMatch(/^\^7/);
    for (const entry of [pkg.exports['.'].types, pkg.exports['./testing'].types, pkg.exports['./server'].types]) {
      expect(existsSync(path.join(root, entry))).toBe(true);
    }
  });

  it('loads the Node-only server from responses-rx/server, as CommonJS and as an ES module', () => {
    const probe =
      "s.createResponsesServer({ port: 0 }).then(async (server) => { const r = await fetch(server.url.replace(/\\/v1$/, '') + '/health'); console.log(JSON.stringify(await r.json())); await server.close(); })";
    const cjs = execFileSync(process.execPath, ['-e', `const s = require('responses-rx/server'); ${probe}`], {
      cwd: consumer,
    }).toString();
    const esm = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', `import * as s from 'responses-rx/server'; ${probe}`],
      { cwd: consumer },
    ).toString();
    expect(cjs.trim()).toBe('{"ok":true}');
    expect(esm.trim()).toBe('{"ok":true}');
  });

  it('keeps Node built-ins out of the main entry, so browser bundles stay clean', () => {
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(file, 'utf8');
      expect(source).not.toMatch(/from ['"]node:/);
      for (const [, spec] of source.matchAll(/from ['"](\.{1,2}\/[^'"]+)['"]/g))
        visit(path.resolve(path.dirname(file), spec!));
    };
    visit(path.join(root, 'dist/esm/index.js'));
    expect(seen.size).toBeGreaterThan(10);
  });
});
