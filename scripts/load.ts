/**
 * `npm run load [-- [--resume] <streams>]`: 1,000 concurrent streams (by default) through the embedded server and
 * `streamResponse` on 127.0.0.1, mixing every provider shape and fault, each stream's text and items verified
 * exactly. With `--resume`: background streams, a third of them cut every few events and resumed from their last
 * sequence number; every text exact and no event twice. Prints a progress line (streams/s, errors, peak RSS), then
 * the p50/p99 time of one stream, and exits non-zero on any lost data or unexpected error.
 */
import { DROP_AFTER, type LoadProgress, type LoadReport, runLoad, runResumeLoad } from '../spec/load/loadRun';

const args = process.argv.slice(2);
const resume = args.includes('--resume');
const count = args.find((arg) => arg !== '--resume');
const total = Number(count ?? 1000);
if (!(Number.isInteger(total) && total > 0 && total <= 10_000) || args.length > (resume ? 2 : 1)) {
  console.error(`usage: npm run load -- [--resume] [<streams between 1 and 10000>], got ${args.join(' ')}`);
  process.exit(2);
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const line = (p: LoadProgress) =>
  `${p.done}/${p.total} streams  ${p.streamsPerSecond.toFixed(0)} streams/s  ` +
  `errors: ${p.expectedErrors} expected (faults), ${p.failures} unexpected  peak RSS ${mb(p.peakRssBytes)}`;

const deadline = setTimeout(() => {
  console.error('\nload: gave up after 120 s');
  process.exit(1);
}, 120_000);
deadline.unref();

// Progress redraws one line on a terminal; piped or redirected output gets no carriage returns, only the result.
const live = process.stdout.isTTY === true;
const onProgress = (progress: LoadProgress) => live && process.stdout.write(`\r${line(progress)}   `);
const run: Promise<LoadReport & { dropped?: number; cuts?: number }> = resume
  ? runResumeLoad(total, onProgress)
  : runLoad(total, onProgress);
run
  .then((report) => {
    if (!live) process.stdout.write(`${line(report)}\n`);
    process.stdout.write(`${live ? '\n' : ''}${report.done} streams in ${(report.elapsedMs / 1000).toFixed(2)} s\n`);
    process.stdout.write(
      `one stream: p50 ${report.p50Ms} ms, p99 ${report.p99Ms} ms; peak RSS ${mb(report.peakRssBytes)}\n`,
    );
    if (report.dropped !== undefined)
      process.stdout.write(
        `${report.dropped} streams cut every ${DROP_AFTER} events: ${report.cuts} connections cut and resumed; ` +
          `every text exact, no event twice: ${report.failures === 0 ? 'yes' : 'NO'}\n`,
      );
    for (const { n, why } of report.failureDetails) console.error(`stream ${n}: ${why}`);
    process.exitCode = report.failures === 0 && report.done === total ? 0 : 1;
  })
  .catch((error: unknown) => {
    console.error('\nload failed:', error);
    process.exitCode = 1;
  });
