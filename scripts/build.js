#!/usr/bin/env node
// Builds dist/: CommonJS (dist/cjs), ES modules (dist/esm) and type declarations (dist/types) from lib/.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');
const tsc = require.resolve('typescript/bin/tsc');

function run(args, label) {
  process.stdout.write(`build: ${label}\n`);
  execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json'), ...args], {
    stdio: 'inherit',
    cwd: root,
  });
}

fs.rmSync(dist, { recursive: true, force: true });
run(['--module', 'commonjs', '--outDir', 'dist/cjs', '--declaration', 'false'], 'CommonJS');
run(['--module', 'es2022', '--outDir', 'dist/esm', '--declaration', 'false'], 'ES modules');
run(['--emitDeclarationOnly', '--outDir', 'dist/types'], 'type declarations');

// Node's ES module loader needs full relative specifiers: './x' -> './x.js', './dir' -> './dir/index.js'.
const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"]*)\2/g;
function rewrite(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      rewrite(file);
      continue;
    }
    if (!entry.name.endsWith('.js')) continue;
    const source = fs.readFileSync(file, 'utf8');
    const fixed = source.replace(SPECIFIER, (match, lead, quote, spec) => {
      if (/\.(c|m)?js$|\.json$/.test(spec)) return match;
      const target = path.resolve(path.dirname(file), spec);
      const full = fs.existsSync(`${target}.js`)
        ? `${spec}.js`
        : fs.existsSync(path.join(target, 'index.js'))
          ? `${spec}/index.js`
          : spec;
      return `${lead}${quote}${full}${quote}`;
    });
    if (fixed !== source) fs.writeFileSync(file, fixed);
  }
}
rewrite(path.join(dist, 'esm'));
fs.writeFileSync(path.join(dist, 'esm', 'package.json'), '{ "type": "module" }\n');
fs.writeFileSync(path.join(dist, 'cjs', 'package.json'), '{ "type": "commonjs" }\n');
process.stdout.write('build: done\n');
