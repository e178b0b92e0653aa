#!/usr/bin/env node
// Builds dist/ with tsup (see tsup.config.ts) and records a hash of what it was built from in dist/.inputs.
// `node scripts/build.js --if-stale` (npm start, prepare, the specs that run dist/) skips the build when that hash
// still matches, and copies a build of the same inputs from node_modules/.cache when there is one: the clean clone
// that spec/pack.spec.ts packs links this node_modules, so its prepare copies the build `npm ci` made instead of
// running tsup a second time. `node scripts/build.js` (npm run build) always runs tsup.
'use strict';
const { execFileSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');
const stamp = path.join(dist, '.inputs');
// package-lock.json: the versions of tsup, esbuild and TypeScript make the output too.
const INPUTS = ['lib', 'package.json', 'package-lock.json', 'tsup.config.ts', 'tsconfig.json', 'tsconfig.build.json'];
const CACHED_BUILDS = 3;

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
const cache = path.join(root, 'node_modules', '.cache', 'responses-rx-dist');
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

const cached = path.join(cache, hash);
const cachedStamp = fs.existsSync(path.join(cached, '.inputs'))
  ? fs.readFileSync(path.join(cached, '.inputs'), 'utf8')
  : '';
if (ifStale && cachedStamp === hash) {
  fs.rmSync(dist, { recursive: true, force: true });
  fs.cpSync(cached, dist, { recursive: true });
  process.exit(0);
}
// tsup.config.ts builds the two formats side by side (without its own clean), so dist/ is emptied here.
fs.rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('tsup/dist/cli-default.js'), '--silent'], {
  cwd: root,
  stdio: 'inherit',
});
fs.writeFileSync(stamp, hash);

// Keep a copy for the next --if-stale of the same inputs (written aside, then renamed: a copy is whole or absent),
// and only the newest few.
fs.mkdirSync(cache, { recursive: true });
for (const stale of [cached, `${cached}.tmp`]) fs.rmSync(stale, { recursive: true, force: true });
fs.cpSync(dist, `${cached}.tmp`, { recursive: true });
fs.renameSync(`${cached}.tmp`, cached);
const builds = fs
  .readdirSync(cache)
  .map((name) => ({ name, time: fs.statSync(path.join(cache, name)).mtimeMs }))
  .sort((a, b) => b.time - a.time);
for (const old of builds.slice(CACHED_BUILDS)) fs.rmSync(path.join(cache, old.name), { recursive: true, force: true });
