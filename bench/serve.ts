/**
 * Serving benchmark (issue: Koa API): wrk on loopback against the sigmirror mirror and against
 * nginx serving the same store directory, 10,000 distinct signature paths, same connections and
 * duration, in one run.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createFsStore } from '../src/store/index.js';
import { freePort, startNginx, wrk } from './nginx.js';
import type { BenchRow } from './table.js';
import { syntheticSignature } from '../test/helpers/synthetic-signature.js';

const PATHS = 10_000;
const REGISTRY = 'bench.example.com';
const REDIS_URL = process.env.SIGMIRROR_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const LOAD = { connections: 64, seconds: 8 };
const WARM_UP = { connections: 64, seconds: 4 };
/** Serving processes, like nginx's two workers on two cores. */
const PROCESSES = Number(process.env.BENCH_PROCESSES ?? 2);

export async function benchServe(): Promise<BenchRow[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sigmirror-bench-serve-'));
  const stops: Array<() => void> = [];
  try {
    const store = createFsStore({ root: path.join(dir, 'store') });
    const paths: string[] = [];
    for (let i = 0; i < PATHS / 2; i++) {
      const hex = createHash('sha256').update(`serve-${i}`).digest('hex');
      const sigs = [0, 1].map(() => ({
        bytes: syntheticSignature(randomBytes(16).toString('hex'), 900),
      }));
      await store.append({ registry: REGISTRY, repository: `ns/app${i}`, digest: `sha256:${hex}` }, sigs, {
        origin: 'import',
      });
      for (const n of [1, 2]) paths.push(`/sigstore/${REGISTRY}/ns/app${i}@sha256=${hex}/signature-${n}`);
    }
    await writeFile(path.join(dir, 'paths.txt'), paths.join('\n') + '\n');
    const nginxRoot = path.join(dir, 'nginx-root');
    await mkdir(nginxRoot);
    await symlink(path.join(dir, 'store'), path.join(nginxRoot, 'sigstore')); // the same files, same URLs
    const nginx = await startNginx(dir, nginxRoot);
    stops.push(nginx.stop);
    const sigmirror = await startSigmirror(dir);
    stops.push(sigmirror.stop);
    const bare = await startBareHttp();
    stops.push(bare.stop);
    const pathsFile = path.join(dir, 'paths.txt');
    // The same warm-up for each: every path reaches every serving process's cache (and nginx's
    // page cache), so the measurement compares steady states.
    for (const base of [sigmirror.base, nginx.base, bare.base]) await wrk(base, pathsFile, dir, WARM_UP);
    const ours = await wrk(sigmirror.base, pathsFile, dir, LOAD);
    const theirs = await wrk(nginx.base, pathsFile, dir, LOAD);
    const ceiling = await wrk(bare.base, pathsFile, dir, LOAD);
    const ratio = ours.rps / theirs.rps;
    const p99Ratio = ours.p99Ms / theirs.p99Ms;
    return [
      {
        name: `mirror GET, ${PATHS} paths, ${LOAD.connections} conns: sigmirror (${PROCESSES} proc)`,
        value: ours.rps,
        unit: 'req/s',
        goal: '-',
        ok: true,
      },
      { name: 'mirror GET: nginx, same store', value: theirs.rps, unit: 'req/s', goal: '-', ok: true },
      {
        name: 'mirror requests/s ratio sigmirror / nginx',
        value: ratio,
        unit: 'ratio',
        goal: '≥ 1.0',
        ok: ratio >= 1,
      },
      { name: 'mirror p99: sigmirror', value: ours.p99Ms, unit: 'ms', goal: '-', ok: true },
      { name: 'mirror p99: nginx', value: theirs.p99Ms, unit: 'ms', goal: '-', ok: true },
      {
        name: 'mirror p99 ratio sigmirror / nginx',
        value: p99Ratio,
        unit: 'ratio',
        goal: '≤ 1.5',
        ok: p99Ratio <= 1.5,
      },
      {
        name: `ceiling: bare node:http, constant body (${PROCESSES} proc)`,
        value: ceiling.rps,
        unit: 'req/s',
        goal: '-',
        ok: true,
      },
      { name: 'ceiling / nginx', value: ceiling.rps / theirs.rps, unit: 'ratio', goal: '-', ok: true },
      {
        name: 'ceiling p99 / nginx p99',
        value: ceiling.p99Ms / theirs.p99Ms,
        unit: 'ratio',
        goal: '-',
        ok: true,
      },
      { name: 'sigmirror / ceiling', value: ours.rps / ceiling.rps, unit: 'ratio', goal: '-', ok: true },
    ];
  } finally {
    for (const stop of stops) stop();
    await new Promise((r) => setTimeout(r, 300));
    await rm(dir, { recursive: true, force: true });
  }
}

async function startBareHttp(): Promise<{ base: string; stop: () => void }> {
  const port = await freePort();
  const script = new URL('./bare-http.js', import.meta.url).pathname;
  const child = spawn(process.execPath, [script, String(port), String(PROCESSES)], { stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  await untilUp(base);
  return { base, stop: () => void child.kill('SIGTERM') };
}

async function untilUp(base: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const up = await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${base} did not come up`);
}

async function startSigmirror(dir: string): Promise<{ base: string; stop: () => void }> {
  const port = await freePort();
  const config = path.join(dir, 'sigmirror.yaml');
  await writeFile(
    config,
    `redis:\n  url: ${REDIS_URL}\n  prefix: sigmirror-bench-serve-${randomBytes(4).toString('hex')}\nregistriesDir: ${dir}/rd\n` +
      `store:\n  path: ${dir}/store\nlisten:\n  port: ${port}\n  processes: ${PROCESSES}\nlog:\n  level: warn\n`,
  );
  const cli = new URL('../src/cli/main.js', import.meta.url).pathname;
  const child = spawn(process.execPath, [cli, 'serve', '--no-workers', '--config', config], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  await untilUp(base);
  return { base, stop: () => void child.kill('SIGTERM') };
}
