/**
 * Serving the fs store with a static server (docs/install.md §Serving the store with nginx or
 * httpd): real nginx with the shipped config/static/nginx-sigmirror.conf (only its store path
 * and port replaced) over a store that keeps changing. While imports, re-imports and removals
 * run, a reader walks signature-1 … N of every image through nginx, continuously: every 200 must
 * be a whole signature that was written for that image (never a partial file), a list never has
 * a gap (a 404 before a 200 in one walk), and nothing of the store's own (staging, locks) is
 * served. Then the headers hosts and caches read are the mirror's.
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createFsStore, type ImageKey } from '../../../src/store/index.js';
import { freePort } from '../../helpers/ports.js';
import { syntheticSignature } from '../../helpers/synthetic-signature.js';
import { tempDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/wait.js';
import { needs } from '../../helpers/needs.js';

const test = await needs({ tools: ['nginx'] });

const SHIPPED = new URL('../../../config/static/nginx-sigmirror.conf', import.meta.url);
const IMAGES = 6;
const ROUNDS = 8;

/** The shipped server block in a minimal nginx.conf, with this test's store and port. */
async function startNginx(t: import('ava').ExecutionContext, dir: string, store: string): Promise<string> {
  const port = await freePort();
  const shipped = (await readFile(SHIPPED, 'utf8'))
    .replaceAll('/var/lib/sigmirror/store', store)
    .replace('listen 8081;', `listen 127.0.0.1:${port};`);
  await mkdir(path.join(dir, 'tmp'));
  const conf = path.join(dir, 'nginx.conf');
  await writeFile(
    conf,
    `${process.getuid?.() === 0 ? 'user root;\n' : ''}worker_processes 1;\ndaemon off;\npid ${dir}/nginx.pid;\n` +
      `error_log ${dir}/error.log warn;\nevents { worker_connections 256; }\nhttp {\n` +
      `  client_body_temp_path ${dir}/tmp; proxy_temp_path ${dir}/tmp; fastcgi_temp_path ${dir}/tmp;\n` +
      `  uwsgi_temp_path ${dir}/tmp; scgi_temp_path ${dir}/tmp;\n${shipped}\n}\n`,
  );
  const child = spawn('nginx', ['-c', conf, '-p', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  t.teardown(() => void child.kill('SIGQUIT'));
  const base = `http://127.0.0.1:${port}`;
  await waitFor(
    `nginx to answer (${stderr})`,
    () =>
      fetch(`${base}/`).then(
        () => true,
        () => false,
      ),
    20_000,
  );
  return base;
}

const keyOf = (i: number): ImageKey => ({
  registry: 'registry.example.com',
  repository: `ns/app${i}`,
  digest: `sha256:${String(i).padStart(64, 'a')}`,
});
const urlOf = (base: string, image: ImageKey, n: number) =>
  `${base}/sigstore/${image.registry}/${image.repository}@sha256=${image.digest.slice(7)}/signature-${n}`;

test.serial(
  'nginx over a changing store: whole signatures only, no gap in a list, no store internals',
  async (t) => {
    t.timeout(120_000);
    const dir = await tempDir(t);
    const root = path.join(dir, 'store');
    const store = createFsStore({ root });
    const base = await startNginx(t, dir, root);
    const images = Array.from({ length: IMAGES }, (_, i) => keyOf(i));
    /** Every body ever written per image (hex): a 200 must be one of them, whole. */
    const written = images.map(() => new Set<string>());
    const problems: string[] = [];
    let walks = 0;
    let done = false;

    /** Per image: odd while a write runs, bumped at its start and end; a walk that saw no change and
     * no write in progress saw one consistent list, so a 404 before a 200 in it is a real gap. */
    const generation = images.map(() => 0);
    const write = async (i: number, op: () => Promise<unknown>) => {
      generation[i]!++;
      try {
        await op();
      } finally {
        generation[i]!++;
      }
    };

    const reader = (async () => {
      while (!done) {
        for (const [i, image] of images.entries()) {
          const before = generation[i]!;
          const served: number[] = [];
          const missing: number[] = [];
          for (let n = 1; n <= 12; n++) {
            const res = await fetch(urlOf(base, image, n));
            const body = Buffer.from(await res.arrayBuffer());
            if (res.status === 404) missing.push(n);
            else if (res.status !== 200) problems.push(`image ${i} signature-${n}: status ${res.status}`);
            else if (!written[i]!.has(body.toString('hex')))
              problems.push(`image ${i} signature-${n}: ${body.length} bytes that were never written whole`);
            else served.push(n);
          }
          const consistent = before % 2 === 0 && generation[i] === before;
          if (consistent && missing.length && served.some((n) => n > missing[0]!))
            problems.push(
              `image ${i}: signature-${missing[0]} missing but ${served.join(',')} served (a gap)`,
            );
        }
        walks++;
      }
    })();

    // Writers: per round, each image gets an import, a re-import of the same bytes, and every
    // other round a removal that renumbers the rest.
    for (let round = 0; round < ROUNDS; round++) {
      await Promise.all(
        images.map(async (image, i) => {
          const fresh = [0, 1].map((k) => syntheticSignature(`r${round}-i${i}-${k}`, 600 + 97 * k));
          for (const bytes of fresh) written[i]!.add(bytes.toString('hex'));
          const signatures = fresh.map((bytes) => ({ bytes }));
          await write(i, () => store.append(image, signatures, { origin: 'import' }));
          await write(i, () => store.append(image, signatures, { origin: 'import' })); // no change
          if (round % 2 === 1) await write(i, () => store.remove(image, [1]));
        }),
      );
    }
    const walked = walks;
    await waitFor('the reader to walk the final lists twice', () => walks >= walked + 2, 60_000);
    done = true;
    await reader;
    t.deepEqual(problems, []);
    t.true(walks >= 3, `the reader walked ${walks} times`);

    // The final state, through nginx, equals the store's lists.
    for (const image of images) {
      const entries = await store.list(image);
      for (const entry of entries) {
        const res = await fetch(urlOf(base, image, entry.index));
        t.is(res.status, 200);
        t.deepEqual(
          Buffer.from(await res.arrayBuffer()),
          Buffer.from((await store.read(image, entry.index))!),
        );
      }
      t.is((await fetch(urlOf(base, image, entries.length + 1))).status, 404);
    }

    // The mirror's headers; the store's own files and every other method are not served.
    const first = await fetch(urlOf(base, images[0]!, 1));
    t.is(first.headers.get('content-type'), 'application/octet-stream');
    t.is(first.headers.get('cache-control'), 'public, max-age=60, must-revalidate');
    t.truthy(first.headers.get('etag'));
    const missing = await fetch(urlOf(base, images[0]!, 99));
    t.is(missing.status, 404);
    t.is(missing.headers.get('cache-control'), 'public, max-age=10');
    for (const internal of [
      '/sigstore/.staging/',
      '/sigstore/.locks/',
      '/sigstore/',
      '/',
      '/sigstore/registry.example.com/',
    ])
      t.is((await fetch(`${base}${internal}`)).status, 404, internal);
    t.is((await fetch(urlOf(base, images[0]!, 1), { method: 'DELETE' })).status, 403);
    t.is((await fetch(urlOf(base, images[0]!, 1), { method: 'PUT', body: 'x' })).status, 403);
  },
);
