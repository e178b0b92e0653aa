/**
 * The package as users install it: dist/ (built by `npm ci`'s prepare, rebuilt here only when lib/ changed since)
 * loaded through the exports map, as CommonJS and as an ES module, from a separate folder that links the package in
 * node_modules. spec/pack.spec.ts packs a clean copy.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
let consumer: string;

beforeAll(() => {
  execFileSync(process.execPath, [path.join(root, 'scripts/build.js'), '--if-stale'], { cwd: root, stdio: 'pipe' });
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
const expected = 'created,inProgress,outputItemDone,outputItemDone*,completed';

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

  it('carries the zod/mini code it uses in the CommonJS build (no zod file loaded); the ES module build imports zod', () => {
    // Node loads zod/mini as 92 files, its 64 locales among them: most of a cold start (tsup.config.ts).
    const probe = `
      const rx = require('responses-rx');
      const zod = Object.keys(require.cache).filter((file) => /[\\\\/]node_modules[\\\\/]zod[\\\\/]/.test(file));
      let issues;
      try { rx.parseWireEvent('{"type":"response.output_text.delta"}'); } catch (e) { issues = e.issues; }
      console.log(JSON.stringify({ zod: zod.length, issues, schema: typeof rx.wireItemSchema.safeParse }));`;
    const out = JSON.parse(execFileSync(process.execPath, ['-e', probe], { cwd: consumer }).toString());
    expect(out).toEqual({
      zod: 0,
      issues: [{ path: ['delta'], message: 'Invalid input: expected string, received undefined' }],
      schema: 'function',
    });
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
    const esm = readFileSync(path.join(root, pkg.exports['.'].import.default), 'utf8');
    const chunks = [...esm.matchAll(/from "(\.\/chunk-[^"]+)"/g)].map((m) =>
      readFileSync(path.join(root, 'dist', m[1]!), 'utf8'),
    );
    expect(chunks.some((code) => code.includes('from "zod/mini"'))).toBe(true);
  });

  it('gives each format its own declarations, types first, for every subpath, also for moduleResolution node', () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect(pkg.exports['./package.json']).toBe('./package.json');
    expect(pkg.sideEffects).toBe(false);
    expect(pkg.peerDependencies.rxjs).toMatch(/^\^7/);
    const subpaths = Object.keys(pkg.exports).filter((key) => key !== './package.json');
    expect(subpaths).toEqual(expect.arrayContaining(['.', './testing', './server']));
    for (const subpath of subpaths) {
      const { import: esm, require: cjs } = pkg.exports[subpath];
      expect(Object.keys(esm)).toEqual(['types', 'default']);
      expect(Object.keys(cjs)).toEqual(['types', 'default']);
      expect(esm.types).toMatch(/\.d\.mts$/);
      expect(esm.default).toMatch(/\.mjs$/);
      expect(cjs.types).toMatch(/\.d\.ts$/);
      expect(cjs.default).toMatch(/\.js$/);
      for (const file of [esm.types, esm.default, cjs.types, cjs.default])
        expect(existsSync(path.join(root, file))).toBe(true);
      // moduleResolution "node" (node10) ignores exports: typesVersions maps the subpath to the same declarations.
      if (subpath !== '.') expect(pkg.typesVersions['*'][subpath.slice(2)]).toEqual([cjs.types]);
    }
    expect(pkg.types).toBe(pkg.exports['.'].require.types);
    expect(pkg.main).toBe(pkg.exports['.'].require.default);
  });

  it('recognizes an error from the ES module build in the CommonJS build, and back', () => {
    const probe = `
      const cjs = require('responses-rx');
      import('responses-rx').then((esm) => {
        const fromEsm = new esm.HttpError({ status: 503, body: '' });
        const fromCjs = new cjs.IdleTimeoutError(5);
        console.log(JSON.stringify([
          esm.HttpError !== cjs.HttpError,
          fromEsm instanceof cjs.HttpError, fromEsm instanceof cjs.ResponsesRxError, cjs.isResponsesRxError(fromEsm),
          fromCjs instanceof esm.IdleTimeoutError, fromCjs instanceof esm.HttpError, fromEsm.name, fromCjs.name,
        ]));
      });`;
    const out = execFileSync(process.execPath, ['-e', probe], { cwd: consumer }).toString();
    expect(JSON.parse(out)).toEqual([true, true, true, true, true, false, 'HttpError', 'IdleTimeoutError']);
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
    // esbuild in a child process: its JS API checks TextEncoder, which Jest's sandbox replaces.
    const probe = `require('esbuild').build({ entryPoints: ['responses-rx'], bundle: true, write: false, metafile: true,
      platform: 'browser', format: 'esm', external: ['rxjs'], logLevel: 'silent' })
      .then((r) => console.log(JSON.stringify(Object.keys(r.metafile.inputs))))`;
    const inputs: string[] = JSON.parse(
      execFileSync(process.execPath, ['-e', probe], {
        cwd: consumer,
        env: { ...process.env, NODE_PATH: path.join(root, 'node_modules') },
      }).toString(),
    );
    expect(inputs.some((file) => file.endsWith('dist/index.mjs'))).toBe(true);
    expect(inputs.filter((file) => /^node:|\(disabled\)/.test(file))).toEqual([]);
  });

  it('bundles the main entry for browsers in at most 25 KB gzipped, rxjs aside (npm run size)', () => {
    const size = JSON.parse(execFileSync(process.execPath, [path.join(root, 'scripts/size.js'), '--json']).toString());
    expect(size.budget).toBe(25_000);
    expect(size.gzip).toBeLessThanOrEqual(size.budget);
    expect(Object.keys(size.inputs).sort()).toEqual(['eventsource-parser', 'responses-rx', 'zod']);
  });
});
