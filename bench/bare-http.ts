/**
 * The ceiling of any node:http server on this machine: `processes` cluster workers answering every
 * request with the same 702-byte body and the mirror's headers, doing no other work. The serve
 * benchmark measures it in the same run, so the table shows how much of nginx node:http can reach.
 * Usage: node bare-http.js <port> <processes> (1: no cluster, the process serves itself)
 */
import cluster from 'node:cluster';
import { createServer } from 'node:http';

const [port, processes] = process.argv.slice(2).map(Number);
const body = Buffer.alloc(702, 0xa3);
const headers = {
  'Content-Type': 'application/octet-stream',
  'Content-Length': body.length,
  ETag: '"sha256:0000000000000000000000000000000000000000000000000000000000000000"',
  'Cache-Control': 'public, max-age=60, must-revalidate',
};

const serve = () =>
  createServer((_req, res) => res.writeHead(200, headers).end(body)).listen(port, '127.0.0.1');

// One process serves in itself, as the daemon does with `listen.processes: 1`.
if (processes === 1) serve();
else if (cluster.isPrimary) {
  for (let i = 0; i < (processes ?? 2); i++) cluster.fork();
  process.on('SIGTERM', () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill();
    process.exit(0);
  });
} else serve();
