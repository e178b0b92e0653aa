/**
 * The main entry is what browser apps bundle: its import graph holds no Node built-in and none of the Node-only or
 * leaf layers (server, terminal, CLI, testing kit), and its surface holds no internal class or helper.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as main from 'responses-rx';
import * as http from 'responses-rx/http';
import * as server from 'responses-rx/server';
import * as terminal from 'responses-rx/terminal';
import * as testing from 'responses-rx/testing';
import { importGraph, libDir, rel } from './imports';

const graph = importGraph(path.join(libDir, 'index.ts'));

describe('the main entry (responses-rx)', () => {
  it('imports no Node built-in, directly or through any module it reaches', () => {
    const builtIns = [...graph].flatMap(([file, packages]) =>
      packages.filter((name) => name.startsWith('node:')).map((name) => `${rel(file)} -> ${name}`),
    );
    expect(builtIns).toEqual([]);
  });

  it('reaches no module of the server, the terminal renderer, the CLI or the testing kit', () => {
    const reached = [...graph.keys()].map(rel);
    expect(reached.filter((file) => /^(server|terminal|cli|testing)\//.test(file))).toEqual([]);
    expect(reached).toContain('responseEvents.ts'); // the walk does reach the library
  });

  it('imports only its declared runtime dependencies and the rxjs peer', () => {
    const allowed = ['eventsource-parser', 'rxjs', 'zod'];
    const packages = [...graph].flatMap(([file, names]) => names.map((name) => `${rel(file)} -> ${name}`));
    expect(packages.filter((line) => !allowed.includes(line.split(' -> ')[1]!.split('/')[0]!))).toEqual([]);
  });

  it('exports no internal class or helper, and none of the Node-only or testing things', () => {
    const internal = ['StreamTracker', 'Deliveries', 'parseRawWireEvent', 'validateWireEvent', 'passesFastCheck'];
    const elsewhere = [
      'PROVIDER_SHAPES',
      'isProviderShape',
      'createShaper',
      'TerminalRenderer',
      'renderTranscript',
      'renderToString',
      'isColorEnabled',
    ];
    expect(Object.keys(main).filter((name) => [...internal, ...elsewhere].includes(name))).toEqual([]);
  });

  it("leaves the HTTP client to responses-rx/http, which shares the main entry's errors and pipeline", () => {
    const client = ['streamResponse', 'retrieveResponseEvents', 'cancelResponse', 'resumeStream', 'retryBeforeOutput'];
    expect(client.filter((name) => typeof (http as Record<string, unknown>)[name] !== 'function')).toEqual([]);
    expect(Object.keys(http).filter((name) => name in main)).toEqual([]);
  });

  it('leaves the provider shapes to responses-rx/server and responses-rx/testing, the renderer to responses-rx/terminal', () => {
    expect(server.PROVIDER_SHAPES).toBe(testing.PROVIDER_SHAPES);
    expect(server.isProviderShape('final-only')).toBe(true);
    expect(typeof testing.createShaper).toBe('function');
    expect(typeof terminal.TerminalRenderer).toBe('function');
    expect(typeof terminal.renderTranscript).toBe('function');
  });

  it('declares each public name in one entry point only (the provider shapes are in server and testing on purpose)', () => {
    // The api/ reports list every exported declaration of each subpath (npm run api:check keeps them current).
    const apiDir = path.join(libDir, '..', 'api');
    const entriesOf = new Map<string, string[]>();
    for (const report of readdirSync(apiDir).filter((file) => file.endsWith('.api.md'))) {
      const declared = readFileSync(path.join(apiDir, report), 'utf8').matchAll(
        /^export (?:declare )?(?:abstract )?(?:interface|type|function|class|const|enum|namespace) (\w+)/gm,
      );
      for (const [, name] of declared) entriesOf.set(name!, [...(entriesOf.get(name!) ?? []), report]);
    }
    const shapes = [
      'PROVIDER_SHAPES',
      'ProviderShape',
      'isProviderShape',
      'createShaper',
      'applyShape',
      'streamedEvents',
      'tokenize',
    ];
    const twice = [...entriesOf].filter(([name, reports]) => reports.length > 1 && !shapes.includes(name));
    expect(twice).toEqual([]);
    expect(entriesOf.get('SequenceGap')).toEqual(['responses-rx.api.md']);
  });

  it('declares idleTimeoutMs once: NormalizedEventsOptions takes it from ResponseEventsOptions', () => {
    const report = readFileSync(path.join(libDir, '..', 'api', 'responses-rx.api.md'), 'utf8');
    expect(report.match(/readonly idleTimeoutMs\?: number;/g)).toHaveLength(1);
    expect(report).toMatch(/export interface NormalizedEventsOptions extends Omit<ResponseEventsOptions, 'fallback'>/);
  });
});
