/**
 * HTTP plumbing of the embedded server: JSON error answers in the Responses API's error shape, and request bodies.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResponsesRequest } from './replay';

const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

/** Answers with `{"error":{message,type,param,code}}`, unless the answer has already started or the client left. */
export function sendJsonError(
  response: ServerResponse,
  status: number,
  type: string,
  code: string,
  message: string,
  headers: Record<string, string> = {},
  param: string | null = null,
): void {
  if (response.headersSent || response.destroyed) return;
  response
    .writeHead(status, { 'content-type': 'application/json', ...headers })
    .end(JSON.stringify({ error: { message, type, param, code } }));
}

/** The parsed JSON object of a request body, or a string saying why it is not one. */
export async function readJsonBody(request: IncomingMessage): Promise<ResponsesRequest | string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_REQUEST_BYTES) return `The request body exceeds ${MAX_REQUEST_BYTES} bytes.`;
    chunks.push(chunk);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return 'The request body is not valid JSON.';
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return 'The request body must be a JSON object.';
  return body as ResponsesRequest;
}
