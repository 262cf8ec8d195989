/**
 * The one way an HTTP server of the daemon is bound, used by the daemon and by every test that
 * talks HTTP (so tests exercise the path production takes): the request boundary (boundary.ts),
 * the lookaside trees' plain node:http hot paths before Koa, and bounded header size and timeouts.
 */
import { createServer, type Server } from 'node:http';
import type Koa from 'koa';
import type { Logger } from 'pino';
import { answerClientError, guard, type RawHandler } from './boundary.js';

/** A whole request must arrive within this (slow-body attacks); signatures are small. */
export const REQUEST_TIMEOUT_MS = 30_000;
/** Headers must arrive within this (slowloris). */
export const HEADERS_TIMEOUT_MS = 10_000;
const KEEP_ALIVE_TIMEOUT_MS = 65_000;
/** Largest request head: 431 beyond it. Tokens and cookies are far smaller. */
export const MAX_HEADER_BYTES = 16 * 1024;

/** A Koa app, optionally with plain handlers for URL prefixes (buildApi adds the lookaside trees). */
export type Servable = Koa & {
  readonly rawHandlers?: ReadonlyArray<readonly [prefix: string, handler: RawHandler]>;
};

/** Listens on host:port (0: any free port); resolves once bound. */
export async function listen(app: Servable, host: string, port: number, logger: Logger): Promise<Server> {
  const koa = guard(app.callback(), logger);
  const raw = (app.rawHandlers ?? []).map(([prefix, handler]) => [prefix, guard(handler, logger)] as const);
  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => {
    const url = req.url ?? '';
    for (const [prefix, handler] of raw) if (url.startsWith(prefix)) return handler(req, res);
    koa(req, res);
  });
  server.on('clientError', answerClientError);
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.listen(port, host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  return server;
}
