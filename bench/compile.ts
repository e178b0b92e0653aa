/**
 * Transpiles lib/ and bench/ to plain JavaScript in a directory of its own (with a link to node_modules), so each
 * benchmark process starts in milliseconds, without ts-node. `ts-node -T bench/compile.ts DIR [LIB]` does it by hand.
 *
 * @module
 */
import { mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { BUNDLED_DEPENDENCIES } from '../tsup.config';

const ROOT = join(__dirname, '..');

/**
 * Transpiles `libDir` (lib/ by default; another copy of it to measure a before/after) and bench/ to plain JavaScript
 * in `outDir`, so each child starts in milliseconds without ts-node.
 */
export function compile(outDir: string, libDir = join(ROOT, 'lib')): void {
  const compilerOptions: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    esModuleInterop: true,
    isolatedModules: true,
  };
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return walk(path);
      return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
    });
  const sources = [
    ...walk(libDir).map((file) => ({ file, target: join(outDir, 'lib', relative(libDir, file)) })),
    ...walk(join(ROOT, 'bench')).map((file) => ({ file, target: join(outDir, relative(ROOT, file)) })),
  ];
  for (const { file, target: path } of sources) {
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions, fileName: file });
    const target = path.replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
  }
  symlinkSync(join(ROOT, 'node_modules'), join(outDir, 'node_modules'), 'dir');
}

/**
 * Bundles `libDir`'s main entry as the package build does (esbuild, CommonJS; the dependencies tsup.config.ts bundles
 * go in, the others and the rxjs peer are left to `require`), to `outDir/bundle/index.js`: what a CLI or a serverless
 * function loads, for the cold-start measurement.
 *
 * @returns the bundle's path.
 */
export function bundle(outDir: string, libDir = join(ROOT, 'lib')): string {
  const outfile = join(outDir, 'bundle', 'index.js');
  const esbuild = require('esbuild') as typeof import('esbuild');
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
    peerDependencies: Record<string, string>;
  };
  const external = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies)]
    .filter((name) => !BUNDLED_DEPENDENCIES.includes(name))
    .flatMap((name) => [name, `${name}/*`]);
  esbuild.buildSync({
    entryPoints: [join(libDir, 'index.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external,
    outfile,
    logLevel: 'error',
  });
  return outfile;
}

if (require.main === module) {
  const [dir, libDir] = process.argv.slice(2);
  if (dir === undefined) throw new TypeError('usage: compile <out dir> [lib dir]');
  compile(dir, libDir);
}
