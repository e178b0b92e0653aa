/**
 * The bytes of a stream as a web `ReadableStream` of `size`-byte chunks, one chunk per pull: how every benchmark
 * hands a competitor its input. A module of its own, so that a cold-start process loads nothing else before it times.
 *
 * @module
 */

/**
 * The bytes as a web stream of `size`-byte chunks, one chunk per pull.
 *
 * @param onPull called after each chunk with the bytes delivered so far (the per-cell child samples its RSS there).
 */
export function byteStream(
  bytes: Uint8Array,
  size: number,
  onPull?: (delivered: number) => void,
): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (offset >= bytes.length) {
          controller.close();
          return;
        }
        const end = Math.min(offset + size, bytes.length);
        controller.enqueue(bytes.subarray(offset, end));
        offset = end;
        onPull?.(offset);
      },
    },
    { highWaterMark: 0 },
  );
}
