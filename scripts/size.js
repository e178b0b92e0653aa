#!/usr/bin/env node
// npm run size: the main entry as a browser app bundles it (esbuild, minified, ES module, rxjs left out as the peer
// the app already has), gzipped. Prints the size and the largest inputs; exits 1 over the budget.
// `node scripts/size.js --json` prints { bytes, gzip, budget, inputs } instead.
'use strict';
const esbuild = require('esbuild');
const path = require('node:path');
const { gzipSync } = require('node:zlib');

const BUDGET = 25_000; // bytes, gzipped (issue 9)
const root = path.resolve(__dirname, '..');

async function measure() {
  const result = await esbuild.build({
    stdin: { contents: "export * from 'responses-rx';", resolveDir: root },
    absWorkingDir: root,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    plugins: [
      {
        // rxjs stays out, as the peer the app already has; like its package.json says ("sideEffects": false), an
        // import of one of its modules that nothing uses is dropped, as the app's bundler drops it.
        name: 'rxjs-peer',
        setup(build) {
          build.onResolve({ filter: /^rxjs(\/|$)/ }, (args) => ({
            path: args.path,
            external: true,
            sideEffects: false,
          }));
        },
      },
    ],
    metafile: true,
    logLevel: 'silent',
    // Resolve 'responses-rx' through the package's own exports map to the built ES module.
    alias: { 'responses-rx': path.join(root, 'dist/index.mjs') },
  });
  const code = result.outputFiles[0].contents;
  const output = Object.values(result.metafile.outputs)[0];
  const byPackage = {};
  for (const [file, { bytesInOutput }] of Object.entries(output.inputs)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
    const name = match ? match[1] : 'responses-rx';
    byPackage[name] = (byPackage[name] ?? 0) + bytesInOutput;
  }
  return { bytes: code.length, gzip: gzipSync(code, { level: 9 }).length, budget: BUDGET, inputs: byPackage };
}

measure().then(
  (size) => {
    if (process.argv.includes('--json')) console.log(JSON.stringify(size));
    else {
      const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
      console.log(
        `responses-rx main entry, minified for browsers: ${kb(size.bytes)}, ${kb(size.gzip)} gzipped (budget ${kb(BUDGET)})`,
      );
      for (const [name, bytes] of Object.entries(size.inputs).sort((a, b) => b[1] - a[1]))
        console.log(`  ${name.padEnd(20)} ${kb(bytes)} minified`);
    }
    if (size.gzip > BUDGET) {
      console.error(`over budget by ${size.gzip - BUDGET} bytes gzipped`);
      process.exitCode = 1;
    }
  },
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
