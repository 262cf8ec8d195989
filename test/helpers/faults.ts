/**
 * Shared parts of the fault tests: a local upstream with many images, `sigmirror worker`
 * processes, and a comparison of the store's served tree with the upstream, byte for byte.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ExecutionContext } from 'ava';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { IMPORT_QUEUE, ImportProducer } from '../../src/queue/index.js';
import { BUILT_CLI } from './cli.js';
import { sh } from './real-clients.js';
import { startUpstream, type Upstream } from './upstream.js';
import { syntheticSignature } from './synthetic-signature.js';
import { waitFor } from './wait.js';

export const FAULT_REGISTRY = 'registry.example.com';
export const imageDigest = (n: number) => `sha256:${createHash('sha256').update(`image-${n}`).digest('hex')}`;
/** Two signatures per image with distinct bytes (well-framed OpenPGP, see synthetic-signature.ts). */
export const imageSignature = (n: number, i: number) => syntheticSignature(`image-${n}-signature-${i}`);
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** An upstream lookaside with `count` images × 2 signatures. */
export async function manyImagesUpstream(t: ExecutionContext, count: number, delayMs = 0): Promise<Upstream> {
  const up = await startUpstream(t);
  for (let n = 0; n < count; n++)
    for (const i of [1, 2]) {
      const body = imageSignature(n, i);
      up.routes.set(`/ns/app${n}@sha256=${imageDigest(n).slice(7)}/signature-${i}`, (_req, res) => {
        const send = () => res.writeHead(200, { 'content-length': body.length }).end(body);
        if (delayMs) setTimeout(send, delayMs);
        else send();
      });
    }
  return up;
}

/** Enqueues imports of images 0..count-1 straight into the queue. */
export async function enqueueAll(redisUrl: string, prefix: string, count: number): Promise<void> {
  const producer = new ImportProducer({ redisUrl, prefix, attempts: 10 });
  try {
    for (let start = 0; start < count; start += 200)
      await Promise.all(
        Array.from({ length: Math.min(200, count - start) }, (_, k) =>
          producer.enqueue({
            registry: FAULT_REGISTRY,
            repository: `ns/app${start + k}`,
            digest: imageDigest(start + k),
          }),
        ),
      );
  } finally {
    await producer.close();
  }
}

/** Jobs by state in the import queue. */
export async function jobCounts(redisUrl: string, prefix: string): Promise<Record<string, number>> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(IMPORT_QUEUE, { connection, prefix });
  try {
    return await queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized');
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

/** A `sigmirror worker` process (the built CLI), killed when the test ends. */
export function startWorker(t: ExecutionContext, config: string): ChildProcess & { log: () => string } {
  const child = spawn(process.execPath, [BUILT_CLI, 'worker', '--config', config], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr!.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-200_000)));
  t.teardown(() => void child.kill('SIGKILL'));
  return Object.assign(child, { log: () => log });
}

export async function workerRunning(w: { log: () => string }): Promise<void> {
  await waitFor('worker', () => w.log().includes('sigmirror is running'), 30_000);
}

/**
 * Differences between the store's served tree and the upstream for images 0..count-1: every
 * image must hold exactly signature-1 and signature-2 with the upstream's bytes.
 */
export async function storeDifferences(storeRoot: string, count: number): Promise<string[]> {
  const problems: string[] = [];
  for (let n = 0; n < count; n++) {
    const dir = path.join(storeRoot, FAULT_REGISTRY, `ns/app${n}@sha256=${imageDigest(n).slice(7)}`);
    let names: string[];
    try {
      names = (await readdir(dir)).filter((f) => f.startsWith('signature-')).sort();
    } catch {
      problems.push(`app${n}: missing`);
      continue;
    }
    const got = await Promise.all(names.map(async (f) => `${f}:${sha(await readFile(path.join(dir, f)))}`));
    const want = [1, 2].map((i) => `signature-${i}:${sha(imageSignature(n, i))}`);
    if (got.join() !== want.join()) problems.push(`app${n}: ${got.join(' ')}`);
  }
  return problems;
}

/**
 * A private redis-server on `port`, killed when the test ends. With `aofDir` it keeps an
 * append-only file there (a restart keeps everything); without, nothing (a restart loses all).
 */
export function privateRedisServer(t: ExecutionContext, port: number, aofDir?: string): ChildProcess {
  const persistence = aofDir ? ['--dir', aofDir, '--appendonly', 'yes'] : ['--appendonly', 'no'];
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence],
    {
      stdio: 'ignore',
    },
  );
  t.teardown(() => void child.kill('SIGKILL'));
  return child;
}

/** True when the redis-server on `port` answers PING. */
export const redisPingAnswers = (port: number): Promise<boolean> =>
  sh('redis-cli', ['-p', String(port), 'ping']).then(
    (o) => o.trim() === 'PONG',
    () => false,
  );
