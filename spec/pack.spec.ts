/**
 * `npm pack` from a clean clone (the tracked files only: no dist/) builds through `prepare` and ships what a user
 * needs: dist/ for every format and subpath, the bin, LICENSE, README; no sources or tests. The packed CLI then runs.
 * The clone links this repository's node_modules, so its `prepare` (scripts/build.js --if-stale) copies the build of
 * the same inputs from node_modules/.cache instead of running tsup again; inputs that differ from this checkout's
 * (a file git does not track, say) hash differently and are built for real.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let work: string;
let packed: { filename: string; files: { path: string }[] };

beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'responses-rx-pack-'));
  const clone = path.join(work, 'clone');
  const tracked = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: root })
    .toString()
    .split('\0')
    .filter(Boolean);
  for (const file of tracked) {
    mkdirSync(path.dirname(path.join(clone, file)), { recursive: true });
    cpSync(path.join(root, file), path.join(clone, file));
  }
  symlinkSync(path.join(root, 'node_modules'), path.join(clone, 'node_modules'), 'dir');
  const out = execFileSync(npm, ['pack', '--json', '--pack-destination', work], { cwd: clone, stdio: 'pipe' });
  packed = JSON.parse(out.toString().slice(out.toString().indexOf('[')))[0];
}, 240_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('npm pack from a clean clone', () => {
  it('builds through prepare and ships dist, the bin, LICENSE and README, and no sources', () => {
    const files = packed.files.map((file) => file.path);
    expect(files).toEqual(
      expect.arrayContaining([
        'LICENSE',
        'README.md',
        'package.json',
        'bin/responses-rx.js',
        'dist/cli/main.js',
        'dist/index.js',
        'dist/index.d.ts',
        'dist/index.mjs',
        'dist/index.d.mts',
        'dist/testing/index.mjs',
        'dist/server/index.js',
      ]),
    );
    expect(files.filter((file) => /^(lib|spec|marbles|bench|scripts)\//.test(file))).toEqual([]);
  });

  it('runs the packed CLI', () => {
    const consumer = path.join(work, 'consumer');
    const installed = path.join(consumer, 'node_modules', 'responses-rx');
    mkdirSync(installed, { recursive: true });
    execFileSync('tar', ['-xzf', path.join(work, packed.filename), '-C', installed, '--strip-components=1']);
    const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      peerDependencies: Record<string, string>;
    };
    // What npm would install beside the package: its dependencies and peers (each resolves its own from root).
    for (const dependency of Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies }))
      symlinkSync(path.join(root, 'node_modules', dependency), path.join(consumer, 'node_modules', dependency), 'dir');
    const out = execFileSync(process.execPath, [path.join(installed, 'bin/responses-rx.js'), 'demo', '--delay', '0'], {
      cwd: consumer,
      env: { ...process.env, NO_COLOR: '1' },
    }).toString();
    expect(out).toMatch(/summary: 3 turns/);
  });
});
