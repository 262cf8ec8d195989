/**
 * Real HTTP(S) servers on 127.0.0.1 standing in for upstream sigstores, good and faulty.
 * Each route is a handler; the server counts requests and TCP connections.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { ExecutionContext } from 'ava';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export interface Upstream {
  readonly base: string;
  readonly requests: string[];
  connections: number;
  /** Routes by path; missing paths answer 404. Mutable during a test. */
  readonly routes: Map<string, Handler>;
}

/** Serves `routes`; with `tls` the server uses that key and certificate. */
export async function startUpstream(
  t: ExecutionContext,
  tls?: { key: string; cert: string },
): Promise<Upstream> {
  const state: Upstream = { base: '', requests: [], connections: 0, routes: new Map() };
  const handler: Handler = (req, res) => {
    state.requests.push(req.url ?? '');
    const route = state.routes.get(decodeURIComponent((req.url ?? '').split('?')[0]!));
    if (route) route(req, res);
    else res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found\n');
  };
  const server = tls ? https.createServer(tls, handler) : http.createServer(handler);
  server.on(tls ? 'secureConnection' : 'connection', () => state.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as AddressInfo;
  Object.assign(state, { base: `${tls ? 'https' : 'http'}://127.0.0.1:${port}` });
  return state;
}

/** Answers with bytes (200, application/octet-stream). */
export const bytesHandler =
  (bytes: Uint8Array, headers: Record<string, string> = {}): Handler =>
  (_req, res) => {
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': bytes.length,
      ...headers,
    });
    res.end(bytes);
  };

/** A self-signed CA and a server certificate for 127.0.0.1, made with openssl in `dir`. */
export function makeCertificates(dir: string): { ca: string; key: string; cert: string } {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  run(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '2',
    '-subj',
    '/CN=sigmirror test CA',
  );
  run(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'server.key',
    '-out',
    'server.csr',
    '-subj',
    '/CN=127.0.0.1',
  );
  readFileSync(path.join(dir, 'server.csr'));
  execFileSync('sh', ['-c', 'printf "subjectAltName=IP:127.0.0.1\\n" > ext.cnf'], { cwd: dir });
  run(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.crt',
    '-days',
    '2',
    '-extfile',
    'ext.cnf',
  );
  const read = (f: string) => readFileSync(path.join(dir, f), 'utf8');
  return { ca: read('ca.crt'), key: read('server.key'), cert: read('server.crt') };
}

/** A static file server over `root` (a lookaside tree), like a web server in front of a sigstore. */
export async function startStaticUpstream(t: ExecutionContext, root: string): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    if (rel.includes('..')) return void res.writeHead(400).end();
    readFile(path.join(root, rel)).then(
      (bytes) => res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(bytes),
      () => res.writeHead(404).end('not found\n'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
