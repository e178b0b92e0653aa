/**
 * Stopping the embedded server from a terminal.
 *
 * @module
 */
import { constants } from 'node:os';
import type { ResponsesServer } from './createResponsesServer';

/** Options of {@link closeOnSignals}. */
export interface CloseOnSignalsOptions {
  /**
   * The signals that stop the server.
   * @defaultValue `['SIGINT', 'SIGTERM']`
   */
  readonly signals?: readonly NodeJS.Signals[];
  /**
   * Called once the server is closed, with the signal that stopped it (e.g. to print a line or set an exit code).
   * @defaultValue sets `process.exitCode` to 128 + the signal's number (130 for SIGINT, 143 for SIGTERM)
   */
  readonly onClosed?: (signal: NodeJS.Signals) => void;
  /**
   * Where the signals come from.
   * @defaultValue `process`
   */
  readonly target?: Pick<NodeJS.EventEmitter, 'on' | 'off'>;
}

/**
 * Closes the server on SIGINT or SIGTERM (open and stalled streams included), then stops listening for the signals,
 * so the process exits on its own once nothing else is pending; without `onClosed`, `process.exitCode` is set to
 * 130 (SIGINT) or 143 (SIGTERM). A second signal while closing exits at once with that code.
 *
 * ## Example
 * ```ts
 * import { closeOnSignals, createResponsesServer } from 'responses-rx/server';
 *
 * const server = await createResponsesServer({ port: 8787, log: (entry) => console.error(entry.message) });
 * closeOnSignals(server, { onClosed: (signal) => console.error(`stopped by ${signal}`) });
 * ```
 *
 * @param server the running server.
 * @param options which signals, and what to do once closed.
 * @returns a function that removes the signal handlers without closing the server.
 */
export function closeOnSignals(
  server: Pick<ResponsesServer, 'close'>,
  options: CloseOnSignalsOptions = {},
): () => void {
  const signals = options.signals ?? ['SIGINT', 'SIGTERM'];
  const target = options.target ?? process;
  let closing = false;
  const remove = (): void => {
    for (const signal of signals) target.off(signal, handlers.get(signal) as () => void);
  };
  const handlers = new Map<NodeJS.Signals, () => void>();
  for (const signal of signals) {
    const handler = (): void => {
      const code = 128 + (constants.signals[signal] ?? 1);
      if (closing) {
        process.exit(code);
      }
      closing = true;
      void server.close().finally(() => {
        remove();
        if (options.onClosed === undefined) process.exitCode = code;
        else options.onClosed(signal);
      });
    };
    handlers.set(signal, handler);
    target.on(signal, handler);
  }
  return remove;
}
