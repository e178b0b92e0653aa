/**
 * The package build (tsup: esbuild for the code, rollup-plugin-dts for the declarations). One entry per subpath of
 * package.json `exports` (`./dist/<name>.js` is built from `lib/<name>.ts`) plus the CLI behind `bin`, each as an ES
 * module (`.mjs` + `.d.mts`) and as CommonJS (`.js` + `.d.ts`), so each format has its own declarations (what
 * `attw --pack` checks). Shared code goes into chunks, so one process that imports two subpaths in one format gets one
 * copy of each module.
 */
import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

interface Conditions {
  readonly require?: { readonly default?: string };
}
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { exports: Record<string, string | Conditions> };

/** `./dist/server/index.js` -> `['server/index', 'lib/server/index.ts']` */
function entryOf(file: string): [string, string] {
  const match = /^\.\/dist\/(.+)\.js$/.exec(file);
  if (!match?.[1]) throw new Error(`tsup.config.ts: cannot map ${file} to a lib/ source; use ./dist/<name>.js`);
  return [match[1], `lib/${match[1]}.ts`];
}

/**
 * Dependencies whose code goes into the CommonJS build instead of being `require`d at run time. zod: Node loads
 * `zod/mini` as 92 files (940 KB), every one of zod's 64 locales among them, 30–90 ms of a cold start; the parts our
 * schemas use, tree-shaken into our chunk, load in about 1.5 ms (README "Small streams, cold starts, many at once").
 * The ES module build keeps importing zod, so a bundler keeps one copy of it when the app uses zod too (browser
 * bundles tree-shake it as before). zod stays a dependency: the declarations (`WireItem`, `wireEventSchemas`, …)
 * refer to its types. `bench/compile.ts` bundles the cold-start entry the same way.
 */
export const BUNDLED_DEPENDENCIES = ['zod'];

const entry = Object.fromEntries([
  ...Object.values(pkg.exports)
    .flatMap((target) => (typeof target === 'string' ? [] : [target.require?.default ?? '']))
    .map(entryOf),
  ['cli/main', 'lib/cli/main.ts'],
]);

const common = {
  entry,
  outDir: 'dist',
  tsconfig: 'tsconfig.build.json',
  target: 'node20',
  dts: true,
  splitting: true,
  sourcemap: false,
  // scripts/build.js empties dist/ first: the two builds below write into it side by side.
  clean: false,
} as const;

export default defineConfig([
  { ...common, format: 'esm' },
  { ...common, format: 'cjs', noExternal: BUNDLED_DEPENDENCIES },
]);
