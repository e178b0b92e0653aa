/**
 * `npm run load [-- <streams>]`: 1,000 concurrent streams (by default) through the embedded server and
 * `streamResponse` on 127.0.0.1, mixing every provider shape and fault, each stream's text and items verified
 * exactly. Prints a progress line (streams/s, errors, peak RSS) and exits non-zero on any lost data or unexpected
 * error.
 */
import { type LoadProgress, runLoad } from '../spec/load/loadRun';

const total = Number(process.argv[2] ?? 1000);
if (!(Number.isInteger(total) && total > 0 && total <= 10_000)) {
  console.error(`usage: npm run load [-- <streams between 1 and 10000>], got ${process.argv[2]}`);
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

runLoad(total, (progress) => process.stdout.write(`\r${line(progress)}   `))
  .then((report) => {
    process.stdout.write(`\n${report.done} streams in ${(report.elapsedMs / 1000).toFixed(2)} s\n`);
    for (const { n, why } of report.failureDetails) console.error(`stream ${n}: ${why}`);
    process.exitCode = report.failures === 0 && report.done === total ? 0 : 1;
  })
  .catch((error: unknown) => {
    console.error('\nload failed:', error);
    process.exitCode = 1;
  });
