/**
 * The import graph of lib/, read from the sources with TypeScript's own pre-processor (every `import`, `export from`
 * and `import()`, type-only ones included): what the layout specs walk.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export const libDir = path.resolve(__dirname, '../../lib');

/** The module specifiers a source file imports, as written. */
export function specifiersOf(file: string): string[] {
  return ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((ref) => ref.fileName);
}

/** The .ts file a relative specifier names (`./x` -> `./x.ts` or `./x/index.ts`). */
export function resolveRelative(from: string, specifier: string): string {
  const target = path.resolve(path.dirname(from), specifier);
  for (const candidate of [`${target}.ts`, path.join(target, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  throw new Error(`${path.relative(libDir, from)} imports ${specifier}, which names no file`);
}

/** Every file reachable from `entry`, each with the packages (non-relative specifiers) it imports. */
export function importGraph(entry: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (graph.has(file)) continue;
    const packages: string[] = [];
    for (const specifier of specifiersOf(file)) {
      if (specifier.startsWith('.')) pending.push(resolveRelative(file, specifier));
      else packages.push(specifier);
    }
    graph.set(file, packages);
  }
  return graph;
}

/** `lib/`-relative path with forward slashes. */
export const rel = (file: string): string => path.relative(libDir, file).split(path.sep).join('/');
