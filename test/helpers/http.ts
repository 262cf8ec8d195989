/**
 * Serves an app for one test through the daemon's own listen() (src/api/listen.ts): the same
 * request boundary, mirror hot path, header limit and timeouts production runs. Every HTTP test
 * goes through here.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ExecutionContext } from 'ava';
import { pino, type Logger } from 'pino';
import { listen, type Servable } from '../../src/api/index.js';
import { checkContract, contractViolation } from './contract.js';

export async function serveApp(
  t: ExecutionContext,
  app: Servable,
  logger: Logger = pino({ level: 'silent' }),
  /** `false` for an app with test-only routes: its answers are not the daemon's API. */
  contract = true,
): Promise<string> {
  const server = await listen(app, '127.0.0.1', 0, logger);
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  if (contract) checkContract(base);
  return base;
}

/** A raw answer: status, headers and body exactly as received. */
export interface RawAnswer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** A request sent exactly as written (fetch would normalise `..` and `%2e%2e` away). */
export function rawRequest(
  base: string,
  path: string,
  method = 'GET',
  body?: Buffer | string,
  headers: Record<string, string> = {},
): Promise<RawAnswer> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, path, method, headers, agent: false }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => {
        const answer = { status: res.statusCode ?? 0, headers: res.headers, body: text };
        const violation = contractViolation({
          method,
          path,
          status: answer.status,
          contentType: res.headers['content-type'],
          allow: res.headers.allow,
          body: Buffer.from(text),
        });
        if (violation) reject(new Error(`API contract (src/api/openapi.ts): ${violation}`));
        else resolve(answer);
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}
