/**
 * How repair mode writes a large answer, counted over real loopback sockets (no clock): the first delta of a
 * final-only answer leaves before the proxy has read the rest of what the upstream sent all at once, and the answer
 * goes out in bounded pieces (HTTP chunks of at most MAX_WRITE_BYTES, each after the socket drained when it was full).
 */
import { type Server, createServer } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createParser } from 'eventsource-parser';
import { type ResponsesServer, createResponsesServer } from '../../lib/server';
import { MAX_WRITE_BYTES } from '../../lib/server/exchange';
import { items, toSseText, wire } from '../../lib/testing';

/** A final-only answer of `chars` characters: the message whole, then response.completed holding it again. */
function finalOnly(chars: number): { sse: string; text: string } {
  let text = '';
  for (let i = 0; text.length < chars; i++) text += `word${i % 97} `;
  const message = items.message('msg_big', text);
  const sse = toSseText([
    wire.created('resp_big'),
    wire.outputItemDone(message, 0),
    { type: 'response.completed', response: { id: 'resp_big', status: 'completed', output: [message] } },
  ]);
  return { sse, text };
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** A raw upstream that sends the whole answer in one write, as soon as it is asked. */
async function upstreamOf(sse: string): Promise<string> {
  const server: Server = createServer((request, response) => {
    request.resume();
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.end(sse);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function repairOf(upstream: string, fetchImpl?: typeof fetch): Promise<ResponsesServer> {
  const server = await createResponsesServer({
    mode: 'repair',
    upstream,
    keyEnv: 'RESPONSES_RX_TEST_UNSET_KEY',
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
  closers.push(() => server.close());
  return server;
}

const request = JSON.stringify({ model: 'm', input: 'hi', stream: true });

describe('repair mode: a large answer over loopback', () => {
  it('sends the first delta before it has read the rest of an answer the upstream sent all at once', async () => {
    const { sse, text } = finalOnly(1_000_000);
    const total = Buffer.byteLength(sse);
    // The real fetch, its body arrived whole before the proxy reads it (as when the proxy is busy while the bytes come
    // in), then handed over in 64 KiB chunks, counted as the proxy reads them.
    let read = 0;
    const counting: typeof fetch = async (input, init) => {
      const answer = await fetch(input, init);
      const arrived = new Uint8Array(await answer.arrayBuffer());
      const body = new ReadableStream<Uint8Array>(
        {
          pull(controller) {
            if (read === arrived.length) return controller.close();
            const chunk = arrived.subarray(read, read + 64 * 1024);
            read += chunk.length;
            controller.enqueue(chunk);
          },
        },
        { highWaterMark: 0 },
      );
      return new Response(body, { status: answer.status, headers: answer.headers });
    };
    const repair = await repairOf(await upstreamOf(sse), counting);
    let readAtFirstDelta: number | undefined;
    let deltas = '';
    const parser = createParser({
      onEvent: (event) => {
        const data = JSON.parse(event.data) as { type: string; delta?: string };
        if (data.type !== 'response.output_text.delta') return;
        readAtFirstDelta ??= read;
        deltas += data.delta;
      },
    });
    const answer = await fetch(`${repair.url}/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: request,
    });
    const decoder = new TextDecoder();
    for await (const chunk of answer.body as unknown as AsyncIterable<Uint8Array>) {
      parser.feed(decoder.decode(chunk, { stream: true }));
    }
    expect(deltas).toBe(text);
    expect(read).toBe(total);
    // The message event is half of the bytes, response.completed the other half: the first delta left in between.
    expect(readAtFirstDelta).toBeLessThan(total);
  });

  it(`writes a large answer in pieces of at most ${MAX_WRITE_BYTES} bytes (HTTP chunks on the wire)`, async () => {
    const { sse, text } = finalOnly(600_000);
    const repair = await repairOf(await upstreamOf(sse));
    const { port } = new URL(repair.url);
    const raw = await new Promise<Buffer>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1');
      const received: Buffer[] = [];
      socket.on('data', (data) => received.push(data));
      socket.on('end', () => resolve(Buffer.concat(received)));
      socket.on('error', reject);
      socket.write(
        `POST /responses HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n` +
          `content-length: ${Buffer.byteLength(request)}\r\nconnection: close\r\n\r\n${request}`,
      );
    });
    // Chunked transfer coding (RFC 9112 §7.1): each write of the server is one chunk, `<hex size>\r\n<bytes>\r\n`.
    let at = raw.indexOf('\r\n\r\n') + 4;
    expect(raw.subarray(0, at).toString()).toMatch(/transfer-encoding: chunked/i);
    const sizes: number[] = [];
    const body: Buffer[] = [];
    for (;;) {
      const eol = raw.indexOf('\r\n', at);
      const size = parseInt(raw.subarray(at, eol).toString(), 16);
      if (size === 0) break;
      sizes.push(size);
      body.push(raw.subarray(eol + 2, eol + 2 + size));
      at = eol + 2 + size + 2;
    }
    const events = Buffer.concat(body).toString();
    expect(events).toContain('event: response.completed');
    expect(events.length).toBeGreaterThan(2 * text.length); // the text in deltas, in output_item.done, in completed
    expect(Math.max(...sizes)).toBeLessThanOrEqual(MAX_WRITE_BYTES);
  });
});
