/**
 * `npm run soak -- --minutes N`: a real `sigmirror serve` under mixed load for N minutes —
 * mirror reads, imports from a local upstream (re-imports merge), registries.d rewrites
 * (some broken), SIGHUP reloads — sampling its RSS. Prints a report; exits 1 on any error or
 * when RSS after warm-up grew more than the allowed fraction (a leak). Not a test: CI runs a
 * 2-minute version from .ci/run; docs/reliability.md records a long run.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { tokenHash } from '../src/auth/index.js';
import { freePort } from './nginx.js';
import { syntheticSignature } from '../test/helpers/synthetic-signature.js';

const REDIS_URL = process.env.SIGMIRROR_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const REGISTRY = 'registry.example.com';
const IMAGES = 2_000;
const READERS = 8;
const IMPORT_EVERY_MS = 250;
const IMPORT_BATCH = 25;
const EDIT_EVERY_MS = 2_000;
const HUP_EVERY_MS = 15_000;
const SAMPLE_EVERY_MS = 5_000;
/** RSS may grow this much after warm-up before the run counts as leaking: the mirror's blob cache
 *  (16 MiB of blobs plus per-entry overhead) fills as more signatures are read, plus V8 heap slack. */
const MAX_RSS_GROWTH_BYTES = 128 * 1024 * 1024;

const minutes = Number(process.argv[process.argv.indexOf('--minutes') + 1] ?? 2);
if (!(minutes > 0)) throw new Error('usage: npm run soak -- --minutes N');
const warmupMs = Math.min(60_000, (minutes * 60_000) / 4);
const hex = (n: number) => n.toString(16).padStart(64, '0');
const signature = (n: number, i: number) => syntheticSignature(`soak-${n}-${i}`);

const counts: Record<string, number> = { reads: 0, read200: 0, read404: 0, imports: 0, edits: 0, hups: 0 };
const errors: Record<string, number> = {};
const fail = (kind: string) => (errors[kind] = (errors[kind] ?? 0) + 1);

function upstream(): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const m = /\/ns\/app(\d+)@sha256=[0-9a-f]{64}\/signature-(\d+)$/.exec(req.url ?? '');
    const n = Number(m?.[1]);
    const i = Number(m?.[2]);
    if (m && n < IMAGES && (i === 1 || i === 2)) res.writeHead(200).end(signature(n, i));
    else res.writeHead(404).end();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function rss(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

async function main(): Promise<number> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sigmirror-soak-'));
  const prefix = `sigmirror-soak-${randomBytes(4).toString('hex')}`;
  const up = await upstream();
  const upBase = `http://127.0.0.1:${(up.address() as AddressInfo).port}`;
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const rd = path.join(dir, 'rd', 'main.yaml');
  await rm(path.dirname(rd), { recursive: true, force: true });
  await import('node:fs/promises').then((fs) => fs.mkdir(path.dirname(rd), { recursive: true }));
  await writeFile(rd, `docker:\n  ${REGISTRY}:\n    lookaside: ${upBase}\n`);
  await writeFile(
    path.join(dir, 'tokens.yaml'),
    `tokens:\n  - name: soak\n    sha256: ${tokenHash('soak-token')}\n    roles: [importer]\n`,
  );
  await writeFile(
    path.join(dir, 'sigmirror.yaml'),
    `redis:\n  url: ${REDIS_URL}\n  prefix: ${prefix}\nregistriesDir: ${path.dirname(rd)}\nstore:\n  path: ${dir}/store\n` +
      `listen:\n  host: 127.0.0.1\n  port: ${port}\nauth:\n  tokensFile: ${dir}/tokens.yaml\n` +
      `import:\n  recheckDelaysMs: []\n  resyncIntervalMs: 0\nlog:\n  level: warn\n`,
  );
  const cli = new URL('../src/cli/main.js', import.meta.url).pathname;
  const daemon = spawn(process.execPath, [cli, 'serve', '--config', path.join(dir, 'sigmirror.yaml')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  daemon.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-20_000)));
  for (let i = 0; i < 400; i++) {
    if (
      await fetch(`${base}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const started = Date.now();
  const deadline = started + minutes * 60_000;
  const running = () => Date.now() < deadline && daemon.exitCode === null;
  const samples: Array<{ at: number; rss: number }> = [];
  let nextImage = 0;

  const reader = async () => {
    while (running()) {
      const n = Math.floor(Math.random() * IMAGES);
      const url = `${base}/sigstore/${REGISTRY}/ns/app${n}@sha256=${hex(n)}/signature-${1 + Math.floor(Math.random() * 3)}`;
      try {
        const r = await fetch(url);
        await r.arrayBuffer();
        counts.reads!++;
        if (r.status === 200) counts.read200!++;
        else if (r.status === 404) counts.read404!++;
        else fail(`mirror HTTP ${r.status}`);
      } catch {
        fail('mirror request failed');
      }
    }
  };
  const every = async (ms: number, what: () => Promise<void>) => {
    while (running()) {
      await new Promise((r) => setTimeout(r, ms));
      if (running()) await what().catch(() => fail('driver error'));
    }
  };
  const importBatch = async () => {
    const references = Array.from({ length: IMPORT_BATCH }, () => {
      const n = nextImage++ % IMAGES;
      return `${REGISTRY}/ns/app${n}@sha256:${hex(n)}`;
    });
    const r = await fetch(`${base}/v1/imports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer soak-token' },
      body: JSON.stringify({ references }),
    });
    if (r.status === 202) counts.imports! += references.length;
    else fail(`imports HTTP ${r.status}`);
  };
  let edit = 0;
  const editRegistries = async () => {
    edit++;
    // Every fourth edit is broken; the next one repairs it.
    const text =
      edit % 4 === 0
        ? `docker:\n  ${REGISTRY}:\n    lookaside: [broken\n`
        : `# edit ${edit}\ndocker:\n  ${REGISTRY}:\n    lookaside: ${upBase}\n`;
    await writeFile(rd, text);
    counts.edits!++;
  };
  const hup = async () => {
    daemon.kill('SIGHUP');
    counts.hups!++;
  };
  const sample = async () => void samples.push({ at: Date.now() - started, rss: await rss(daemon.pid!) });

  await sample();
  await Promise.all([
    ...Array.from({ length: READERS }, reader),
    every(IMPORT_EVERY_MS, importBatch),
    every(EDIT_EVERY_MS, editRegistries),
    every(HUP_EVERY_MS, hup),
    every(SAMPLE_EVERY_MS, sample),
  ]);
  const crashed = daemon.exitCode !== null;
  if (crashed) fail(`daemon exited with ${daemon.exitCode}`);
  await writeFile(rd, `docker:\n  ${REGISTRY}:\n    lookaside: ${upBase}\n`);
  const status = (await (await fetch(`${base}/v1/status`)).json().catch(() => ({}))) as {
    recentFailures?: unknown[];
  };
  if (status.recentFailures?.length) errors['failed imports'] = status.recentFailures.length;
  daemon.kill('SIGTERM');
  const exit = await new Promise<number | null>((resolve) => daemon.once('exit', (code) => resolve(code)));
  if (!crashed && exit !== 0) fail(`SIGTERM exit code ${exit}`);
  up.close();

  const afterWarmup = samples.filter((s) => s.at >= warmupMs);
  const baseline = afterWarmup[0]?.rss ?? samples[0]!.rss;
  const last = samples[samples.length - 1]!.rss;
  const growth = (last - baseline) / baseline;
  const mb = (b: number) => (b / 1024 / 1024).toFixed(1);
  const report = [
    `soak: ${minutes} min against sigmirror serve (fs store, ${IMAGES} upstream images)`,
    `  mirror reads ${counts.reads} (200: ${counts.read200}, 404: ${counts.read404}), imports enqueued ${counts.imports}, registries.d edits ${counts.edits} (a quarter broken), SIGHUPs ${counts.hups}`,
    `  RSS: start ${mb(samples[0]!.rss)} MiB, after warm-up (${warmupMs / 1000} s) ${mb(baseline)} MiB, end ${mb(last)} MiB, max ${mb(Math.max(...samples.map((s) => s.rss)))} MiB, growth after warm-up ${mb(last - baseline)} MiB = ${(growth * 100).toFixed(1)}% (limit ${mb(MAX_RSS_GROWTH_BYTES)} MiB)`,
    `  errors: ${Object.keys(errors).length ? JSON.stringify(errors) : 'none'}`,
  ];
  console.log(report.join('\n'));
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  await rm(dir, { recursive: true, force: true });
  if (Object.keys(errors).length) {
    console.log(`daemon stderr (tail):\n${stderr.slice(-4000)}`);
    return 1;
  }
  return last - baseline > MAX_RSS_GROWTH_BYTES ? 1 : 0;
}

process.exitCode = await main();
