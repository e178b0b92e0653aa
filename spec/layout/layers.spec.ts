/**
 * The layers of lib/, read from the source imports: data flows bytes -> SSE messages -> wire events -> normalized
 * events -> consumers, and a module imports only from its own layer or the layers below it; the testing kit is a
 * leaf nothing else in lib/ imports; only the CLI imports the CLI; no import cycle. (`npm run deps` checks the same
 * rules with dependency-cruiser.)
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { libDir, rel, resolveRelative, specifiersOf } from './imports';

/** Each lib/ module's layer, lowest first; a module may import from its own layer and lower ones only. */
const LAYERS: readonly (readonly [layer: string, pattern: RegExp])[] = [
  ['base', /^(errors\.ts|http\/retryAfter\.ts|util\/)/],
  ['sse', /^sse\//],
  ['wire', /^wire\//],
  ['items', /^items\//],
  ['normalized', /^(events|streamState|operators\/[^/]+|policies\/[^/]+|responseEvents)\.ts$/],
  ['http', /^http\//],
  ['consumers', /^(transcript|serialize)\//],
  ['entry', /^index\.ts$/],
  ['node-only', /^(server|terminal)\//],
  ['cli', /^cli\//],
  ['testing', /^testing\//],
];

function layerOf(file: string): number {
  const index = LAYERS.findIndex(([, pattern]) => pattern.test(file));
  if (index < 0) throw new Error(`lib/${file} belongs to no layer: add it to LAYERS`);
  return index;
}

const files = (readdirSync(libDir, { recursive: true }) as string[])
  .filter((file) => file.endsWith('.ts'))
  .map((file) => path.join(libDir, file));

/** Every import between lib/ modules, as `from -> to` (lib/-relative). */
const edges = files.flatMap((file) =>
  specifiersOf(file)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => [rel(file), rel(resolveRelative(file, specifier))] as const),
);

describe('the layers of lib/', () => {
  it('every module has a layer', () => {
    expect(() => files.map((file) => layerOf(rel(file)))).not.toThrow();
  });

  it('imports point down the data flow only', () => {
    const upward = edges.filter(([from, to]) => layerOf(to) > layerOf(from)).map(([from, to]) => `${from} -> ${to}`);
    expect(upward).toEqual([]);
  });

  it('the testing kit is a leaf: nothing in lib/ but lib/testing imports it', () => {
    const intoTesting = edges.filter(([from, to]) => to.startsWith('testing/') && !from.startsWith('testing/'));
    expect(intoTesting.map(([from, to]) => `${from} -> ${to}`)).toEqual([]);
  });

  it('nothing in lib/ but the CLI imports lib/cli', () => {
    const intoCli = edges.filter(([from, to]) => to.startsWith('cli/') && !from.startsWith('cli/'));
    expect(intoCli.map(([from, to]) => `${from} -> ${to}`)).toEqual([]);
  });

  it('has no import cycle', () => {
    const next = new Map<string, string[]>();
    for (const [from, to] of edges) next.set(from, [...(next.get(from) ?? []), to]);
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, trail: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...trail.slice(trail.indexOf(file)), file].join(' -> '));
        return;
      }
      state.set(file, 'open');
      for (const to of next.get(file) ?? []) visit(to, [...trail, file]);
      state.set(file, 'done');
    };
    for (const file of next.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });
});
