#!/usr/bin/env node
// The exported API of each entry point, as api-extractor reports it, checked in under api/ (one report per subpath
// of package.json `exports`). `npm run api` rewrites the reports; `npm run api:check` (in .ci/run) fails when the
// built declarations no longer match them, so every change to the public surface shows up in review.
'use strict';
const { Extractor, ExtractorConfig } = require('@microsoft/api-extractor');
const { execFileSync } = require('node:child_process');
const { mkdirSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const update = !process.argv.includes('--check');
const pkg = require(path.join(root, 'package.json'));

execFileSync(process.execPath, [path.join(__dirname, 'build.js'), '--if-stale'], { cwd: root, stdio: 'inherit' });

mkdirSync(path.join(root, 'api'), { recursive: true });
let failed = 0;
for (const [subpath, target] of Object.entries(pkg.exports)) {
  if (typeof target === 'string') continue;
  const name = subpath === '.' ? pkg.name : `${pkg.name}-${subpath.slice(2).replace(/\//g, '-')}`;
  const config = ExtractorConfig.prepare({
    configObject: {
      projectFolder: root,
      mainEntryPointFilePath: path.join(root, target.require.types),
      compiler: { overrideTsconfig: { compilerOptions: { types: ['node'], lib: ['ES2022', 'DOM'] } } },
      apiReport: {
        enabled: true,
        reportFileName: `${name}.api.md`,
        reportFolder: path.join(root, 'api'),
        reportTempFolder: path.join(root, 'temp', 'api'),
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        compilerMessageReporting: { default: { logLevel: 'warning' } },
        extractorMessageReporting: {
          default: { logLevel: 'warning' },
          // No @public/@beta tags: everything exported is public. Types reachable only through others are listed
          // in the report anyway.
          'ae-missing-release-tag': { logLevel: 'none' },
          'ae-forgotten-export': { logLevel: 'none' },
          // TSDoc coverage of every member is not this report's job.
          'ae-undocumented': { logLevel: 'none' },
        },
        tsdocMessageReporting: { default: { logLevel: 'none' } },
      },
    },
    configObjectFullPath: undefined,
    packageJsonFullPath: path.join(root, 'package.json'),
  });
  const result = Extractor.invoke(config, { localBuild: update, showVerboseMessages: false, messageCallback: quiet });
  // Warnings (an unresolved {@link} in a TSDoc comment) are printed but do not fail the check; errors and a changed
  // report do.
  if (result.errorCount > 0 || (!update && result.apiReportChanged)) {
    failed++;
    console.error(
      `api: ${subpath} ${result.apiReportChanged ? `differs from api/${name}.api.md; run npm run api and review the diff` : 'failed'}`,
    );
  } else
    console.log(
      `api: ${subpath} ${update && result.apiReportChanged ? `updated api/${name}.api.md` : 'matches its report'}`,
    );
}
process.exitCode = failed ? 1 : 0;

/** Keeps api-extractor's progress lines out of the output; warnings and errors still print. */
function quiet(message) {
  if (message.logLevel === 'info' || message.logLevel === 'verbose') message.handled = true;
}
