/**
 * The one request boundary every HTTP server of the daemon goes through (issue: hostile input).
 * Whatever a handler throws, rejects or returns becomes at most a 500 for that request and one
 * log line; a request node:http cannot parse gets an answer in the error envelope. Nothing a
 * client sends may exit the process or leave the event loop waiting.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { ERRORS, type ErrorCode } from './errors.js';

/** A plain node:http handler; it may return anything (a promise, a metric's result, nothing). */
export type RawHandler = (req: IncomingMessage, res: ServerResponse) => unknown;

/** The envelope as bytes, for answers written outside Koa. */
export function envelopeBytes(code: ErrorCode, message: string = ERRORS[code][1]): Buffer {
  return Buffer.from(JSON.stringify({ errors: [{ code, message }] }));
}

/** Writes an error answer in the envelope, or cuts the connection when an answer has begun. */
export function answerError(
  res: ServerResponse,
  code: ErrorCode,
  headers: Readonly<Record<string, string>> = {},
  message?: string,
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = envelopeBytes(code, message);
  res.writeHead(ERRORS[code][0], {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': body.length,
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

/** Runs `handler` so that no throw or rejection escapes it. */
export function guard(
  handler: RawHandler,
  logger: Logger,
): (req: IncomingMessage, res: ServerResponse) => void {
  const fail = (err: unknown, req: IncomingMessage, res: ServerResponse) => {
    logger.error({ err, method: req.method, url: safeUrl(req.url) }, 'request failed');
    answerError(res, 'INTERNAL');
  };
  return (req, res) => {
    let result: unknown;
    try {
      result = handler(req, res);
    } catch (err) {
      fail(err, req, res);
      return;
    }
    if (isPromiseLike(result)) result.then(undefined, (err: unknown) => fail(err, req, res));
  };
}

/** What node:http answers itself for a request it cannot parse, now in the envelope. */
const CLIENT_ERRORS: Readonly<Record<string, [number, ErrorCode]>> = {
  HPE_HEADER_OVERFLOW: [431, 'HEADERS_TOO_LARGE'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'REQUEST_TIMEOUT'],
};

/** The server's 'clientError' listener: an envelope answer where the socket still takes one. */
export function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  // As node's own handler: no second answer on a socket whose response has begun (the unread
  // rest of a refused request body is not a new request).
  const answered = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
  if (err.code === 'ECONNRESET' || !socket.writable || answered) {
    socket.destroy();
    return;
  }
  const [status, code] = CLIENT_ERRORS[err.code ?? ''] ?? [400, 'BAD_REQUEST'];
  const body = envelopeBytes(code);
  const head =
    `HTTP/1.1 ${status} ${ERRORS[code][1]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
    `Content-Length: ${body.length}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n`;
  socket.end(Buffer.concat([Buffer.from(head, 'latin1'), body]));
}

/** A request URL safe to log: bounded, without a query (it may carry tokens). */
export function safeUrl(url: string | undefined): string {
  const path = (url ?? '').split('?', 1)[0]!;
  return path.length > 256 ? `${path.slice(0, 256)}…` : path;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | undefined)?.then === 'function';
}
