/**
 * SSE framing and byte cutting for tests.
 *
 * @module
 */
export { toSseText, parseJsonLines, type ToSseTextOptions } from '../server/sseText';

/**
 * Cuts bytes (or text, encoded as UTF-8) into chunks of `size` bytes, ignoring character boundaries, as a network
 * may deliver them.
 */
export function splitBytes(input: Uint8Array | string, size: number): Uint8Array[] {
  if (!(Number.isInteger(size) && size > 0))
    throw new TypeError(`splitBytes: size must be a positive integer, got ${size}`);
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return chunks;
}

/**
 * Cuts bytes at the given offsets (sorted, deduplicated, out-of-range ignored).
 */
export function splitAt(input: Uint8Array | string, offsets: readonly number[]): Uint8Array[] {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  const cuts = [...new Set(offsets)].filter((o) => o > 0 && o < bytes.length).sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const cut of cuts) {
    chunks.push(bytes.subarray(start, cut));
    start = cut;
  }
  chunks.push(bytes.subarray(start));
  return chunks;
}
