/**
 * Image listing (issue: signature console): with 100,000 images in the index, how fast the first
 * page of `GET /v1/images` answers over HTTP from `sigmirror serve`, unfiltered and filtered by
 * status. Goal: ≤ 50 ms. The index is filled directly (rows as the store writes them).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { redisImageIndex, type ImageStatus, type ImageSummary } from '../src/store/index.js';
import { freePort } from './nginx.js';
import type { BenchRow } from './table.js';

const REDIS_URL = process.env.SIGMIRROR_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const IMAGES = 100_000;
const REQUESTS = 200;
const GOAL_MS = 50;
const STATUSES: ImageStatus[] = ['verified', 'failed', 'unverified', 'unsigned'];

function row(n: number): ImageSummary {
  const digest = `sha256:${n.toString(16).padStart(64, '0')}`;
  const registry = `registry${n % 7}.example.com`;
  const repository = `ns${n % 97}/app${n}`;
  return {
    registry,
    repository,
    digest,
    reference: `${registry}/${repository}@${digest}`,
    signatures: n % 4 === 3 ? 0 : 2,
    status: STATUSES[n % 4]!,
    lastImportAt: new Date(1_764_000_000_000 + n * 1000).toISOString(),
    source: `https://sigstore${n % 7}.example.com/signatures`,
    lastVerifiedAt: null,
  };
}

async function fill(redis: Redis, prefix: string): Promise<void> {
  const index = redisImageIndex(redis, prefix);
  for (let start = 0; start < IMAGES; start += 1000) {
    await Promise.all(Array.from({ length: 1000 }, (_, i) => index.put(row(start + i))));
  }
}

async function timeRequests(url: string): Promise<{ median: number; p99: number }> {
  for (let i = 0; i < 20; i++) await (await fetch(url)).arrayBuffer(); // warm up
  const times: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const start = performance.now();
    const r = await fetch(url);
    const body = (await r.json()) as { items: unknown[] };
    if (r.status !== 200 || body.items.length !== 100) throw new Error(`bad listing answer ${r.status}`);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)]!, p99: times[Math.floor(times.length * 0.99)]! };
}

export async function benchListing(): Promise<BenchRow[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sigmirror-bench-listing-'));
  const prefix = `sigmirror-bench-listing-${randomBytes(4).toString('hex')}`;
  const redis = new Redis(REDIS_URL);
  try {
    await fill(redis, prefix);
    await mkdir(path.join(dir, 'rd'));
    const port = await freePort();
    const config = path.join(dir, 'sigmirror.yaml');
    await writeFile(
      config,
      `redis:\n  url: ${REDIS_URL}\n  prefix: ${prefix}\nregistriesDir: ${dir}/rd\nstore:\n  path: ${dir}/store\n` +
        `listen:\n  port: ${port}\nlog:\n  level: warn\n`,
    );
    const cli = new URL('../src/cli/main.js', import.meta.url).pathname;
    const child = spawn(process.execPath, [cli, 'serve', '--no-workers', '--config', config], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    try {
      const base = `http://127.0.0.1:${port}`;
      for (let i = 0; i < 200; i++) {
        if (
          await fetch(`${base}/healthz`).then(
            (r) => r.ok,
            () => false,
          )
        )
          break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const all = await timeRequests(`${base}/v1/images`);
      const unverified = await timeRequests(
        `${base}/v1/images?status=unverified&registry=registry3.example.com`,
      );
      return [
        {
          name: `listing first page, ${IMAGES} images (median)`,
          value: all.median,
          unit: 'ms',
          goal: `<= ${GOAL_MS}`,
          ok: all.median <= GOAL_MS,
        },
        {
          name: 'listing first page (p99)',
          value: all.p99,
          unit: 'ms',
          goal: `<= ${GOAL_MS}`,
          ok: all.p99 <= GOAL_MS,
        },
        {
          name: 'listing ?status&registry first page (p99)',
          value: unverified.p99,
          unit: 'ms',
          goal: `<= ${GOAL_MS}`,
          ok: unverified.p99 <= GOAL_MS,
        },
      ];
    } finally {
      child.kill('SIGTERM');
    }
  } finally {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    redis.disconnect();
    await rm(dir, { recursive: true, force: true });
  }
}
