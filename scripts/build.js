#!/usr/bin/env node
// Builds dist/ with tsup (see tsup.config.ts) and records a hash of what it was built from in dist/.inputs.
// `node scripts/build.js --if-stale` (npm start, the package spec) skips the build when that hash still matches.
'use strict';
const { execFileSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const stamp = path.join(root, 'dist', '.inputs');
const INPUTS = ['lib', 'package.json', 'tsup.config.ts', 'tsconfig.json', 'tsconfig.build.json'];

function files(entry) {
  const full = path.join(root, entry);
  if (!fs.existsSync(full)) return [];
  if (!fs.statSync(full).isDirectory()) return [entry];
  return fs
    .readdirSync(full)
    .sort()
    .flatMap((name) => files(path.join(entry, name)));
}

function inputsHash() {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap(files)) hash.update(`${file}\0`).update(fs.readFileSync(path.join(root, file)));
  return hash.digest('hex');
}

const hash = inputsHash();
const ifStale = process.argv.includes('--if-stale');
const current = () => fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === hash;
if (ifStale && current()) process.exit(0);

// Specs that need dist/ run this in parallel workers: one builds, the others wait for it (a lock older than ten
// minutes was left by a killed build and is taken over).
const lock = path.join(root, 'node_modules', '.cache', 'responses-rx-build.lock');
fs.mkdirSync(path.dirname(lock), { recursive: true });
for (;;) {
  try {
    fs.mkdirSync(lock);
    break;
  } catch (error) {
    if (error.code !== 'EEXIST') throw error;
    const since = fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
    if (Date.now() - since > 10 * 60_000) fs.rmSync(lock, { recursive: true, force: true });
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
  }
}
process.on('exit', () => fs.rmSync(lock, { recursive: true, force: true }));
if (ifStale && current()) process.exit(0);
execFileSync(process.execPath, [require.resolve('tsup/dist/cli-default.js'), '--silent'], {
  cwd: root,
  stdio: 'inherit',
});
fs.writeFileSync(stamp, hash);
