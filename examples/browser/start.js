#!/usr/bin/env node
// `npm run example:browser`: builds the package when needed, starts the embedded Responses server (the bundled demo
// conversation as a final-only provider, which streams no reasoning) and the page's dev server on another port, and
// prints the page's address. Ctrl-C stops both.
'use strict';
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const { startDevServer } = require('./dev-server.js');

async function main() {
  execFileSync(process.execPath, [path.join(__dirname, '../../scripts/build.js'), '--if-stale'], { stdio: 'inherit' });
  // Loaded after the build, through the package's own exports map, as a user's code would.
  const { createResponsesServer, closeOnSignals } = require('responses-rx/server');
  const api = await createResponsesServer({ shape: 'final-only', eventDelayMs: 30, port: 0 });
  const pages = await startDevServer();
  const url = `${pages.pageUrl}?${new URLSearchParams({ api: api.url })}`;
  process.stdout.write(`responses-rx browser example: open ${url}\n(embedded server at ${api.url}); Ctrl-C stops\n`);
  closeOnSignals(api, { onClosed: () => void pages.close() });
}

main().catch((error) => {
  process.stderr.write(`example: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
