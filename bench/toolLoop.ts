/**
 * An agent's tool loop over loopback, over HTTP and over a WebSocket side by side: 20 turns against the embedded
 * server, each request answered after a fixed delay (the "model time"), turns 1–19 a function call, turn 20 the final
 * message; each turn is sent when the previous one completed, as an agent does. HTTP: `streamResponse` per turn
 * (fetch keeps the connection alive between turns). WebSocket: one `responsesSocket`, `create` per turn. Medians over
 * `rounds`, the transports alternating per round, client and server in this one process.
 *
 * `ts-node -T bench/toolLoop.ts [--rounds N]` runs it alone; `npm run bench` appends it to bench/results.md.
 *
 * @module
 */
import { performance } from 'node:perf_hooks';
import { lastValueFrom, toArray } from 'rxjs';
import WebSocket from 'ws';
import { type ResponseEvent } from '../lib';
import { streamResponse } from '../lib/http';
import { responsesSocket } from '../lib/http/websocket';
import { createResponsesServer, demoTurnEvents } from '../lib/server';

const TURNS = 20;
/** The fixed time the server takes per request before its first event, in milliseconds. */
const REQUEST_DELAY_MS = 20;
const TRANSPORTS = ['HTTP', 'WebSocket'] as const;
type Transport = (typeof TRANSPORTS)[number];

/** The body of turn `turn` (1-based): what an agent sends after running the previous turn's tool. */
function bodyOf(turn: number, previous: string | undefined): Record<string, unknown> {
  return {
    model: 'bench-tool-loop',
    metadata: { turn: String(turn) },
    ...(previous === undefined
      ? { input: 'Is it raining in Paris?' }
      : {
          previous_response_id: previous,
          input: [{ type: 'function_call_output', call_id: 'call_demo_weather', output: '{"rain":false}' }],
        }),
  };
}

/** Runs the 20 turns, each after the previous completed; resolves with the total time in milliseconds. */
async function loop(send: (body: Record<string, unknown>) => Promise<ResponseEvent[]>): Promise<number> {
  const start = performance.now();
  let previous: string | undefined;
  for (let turn = 1; turn <= TURNS; turn++) {
    const events = await send(bodyOf(turn, previous));
    const completed = events.at(-1);
    if (completed?.type !== 'completed') throw new Error(`turn ${turn} did not complete`);
    previous = completed.responseId;
  }
  return performance.now() - start;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Measures the loop over both transports; returns the markdown section. */
export async function measureToolLoop(rounds = 5, progress: (line: string) => void = () => {}): Promise<string> {
  const toolTurn = demoTurnEvents(1);
  const lastTurn = demoTurnEvents(2);
  const server = await createResponsesServer({
    replay: async (request) => {
      await new Promise((resolve) => setTimeout(resolve, REQUEST_DELAY_MS));
      const turn = Number((request['metadata'] as { turn?: string } | undefined)?.turn ?? 1);
      return turn < TURNS ? toolTurn : lastTurn;
    },
  });
  const socket = responsesSocket({ baseURL: server.url, apiKey: 'bench', WebSocket, closeWhenIdleMs: Infinity });
  const send: Record<Transport, (body: Record<string, unknown>) => Promise<ResponseEvent[]>> = {
    HTTP: (body) => lastValueFrom(streamResponse(body, { baseURL: server.url, apiKey: 'bench' }).pipe(toArray())),
    WebSocket: (body) => lastValueFrom(socket.create(body).pipe(toArray())),
  };
  const totals: Record<Transport, number[]> = { HTTP: [], WebSocket: [] };
  try {
    for (const transport of TRANSPORTS) await loop(send[transport]); // warm-up
    for (let round = 1; round <= rounds; round++) {
      const order = round % 2 === 1 ? TRANSPORTS : [...TRANSPORTS].reverse();
      for (const transport of order) {
        progress(`tool loop: round ${round}/${rounds}: ${transport}`);
        totals[transport].push(await loop(send[transport]));
      }
    }
  } finally {
    socket.close();
    await server.close();
  }
  const floor = TURNS * REQUEST_DELAY_MS;
  const rows = TRANSPORTS.map((transport) => {
    const total = median(totals[transport]);
    return `| ${transport} | ${total.toFixed(1)} | ${((total - floor) / TURNS).toFixed(2)} |`;
  });
  return [
    `## Tool loop: ${TURNS} turns over HTTP and over a WebSocket`,
    '',
    `${TURNS} sequential turns against the embedded server over loopback, each request answered after a fixed ` +
      `${REQUEST_DELAY_MS} ms (so ${floor} ms of the total is the server's), turns 1–${TURNS - 1} a function call, the ` +
      `last the answer, each read through the whole pipeline. Medians of ${rounds} rounds, transports alternating.`,
    '',
    '| transport | 20 turns (ms) | per turn beyond the fixed delay (ms) |',
    '| --------- | ------------- | ------------------------------------ |',
    ...rows,
    '',
  ].join('\n');
}

if (require.main === module) {
  const index = process.argv.indexOf('--rounds');
  const rounds = index >= 0 ? Number(process.argv[index + 1]) : 5;
  measureToolLoop(rounds, (line) => process.stderr.write(`${line}\n`))
    .then((markdown) => process.stdout.write(markdown))
    .catch((error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    });
}
