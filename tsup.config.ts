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

const entry = Object.fromEntries([
  ...Object.values(pkg.exports)
    .flatMap((target) => (typeof target === 'string' ? [] : [target.require?.default ?? '']))
    .map(entryOf),
  ['cli/main', 'lib/cli/main.ts'],
]);

export default defineConfig({
  entry,
  format: ['esm', 'cjs'],
  outDir: 'dist',
  tsconfig: 'tsconfig.build.json',
  target: 'node20',
  dts: true,
  splitting: true,
  sourcemap: false,
  clean: true,
});
