/**
 * Thousands of malformed requests (bad names, traversal, bad digests, invalid JSON/base64, huge
 * bodies, wrong methods): no 5xx, no crash, no file created outside the store, nothing changed in it.
 */
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { needs } from '../../helpers/needs.js';
import { TOKENS, startApi } from '../../helpers/api.js';
import { rawRequest } from '../../helpers/http.js';
import { readVector } from '../../helpers/vectors.js';

const test = await needs({ redis: true });

const REQUESTS = 2000;
const HEX = 'b'.repeat(64);
const DIGEST = `sha256:${HEX}`;

/** A deterministic generator, so a failure can be replayed from its seed. */
function rng(seed: number) {
  let x = seed;
  return () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

const NAMES = [
  'registry.example.com/ns/app',
  'ns/app',
  'ns/../../etc',
  'ns/%2e%2e/x',
  'ns%2fapp',
  'NS/App',
  'a//b',
  'x%00y',
  'a'.repeat(300),
  '..',
  '%00',
  'ns/app%2f..%2f..',
  'reg:99999999/x',
  '-bad/x',
];
const DIGESTS = [
  DIGEST,
  'sha256:abc',
  `sha512:${HEX}${HEX}`,
  `SHA256:${HEX}`,
  '',
  '..',
  `sha256:${HEX}/../x`,
  `sha256=${HEX}`,
];
const METHODS = ['GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS'];

function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)]!;
}

function path_(r: () => number): string {
  const name = pick(r, NAMES);
  const digest = pick(r, DIGESTS);
  return pick(r, [
    `/extensions/v2/${name}/signatures/${digest}`,
    `/sigstore/${name}@${digest.replace(':', '=')}/signature-${pick(r, ['1', '0', '-1', '99999', 'x', '1/..', ''])}`,
    `/v1/images/${name}@${digest}`,
    `/v1/imports/${pick(r, ['x', 'import-..', `import-${HEX}-../../x`, '%00'])}`,
    `/v1/imports`,
    `/v1/notifications/registry`,
    `/${randomBytes(Math.floor(r() * 20)).toString('base64url')}`,
  ]);
}

function body(r: () => number): Buffer | undefined {
  const sig = readVector('containers-image/image.signature');
  return pick(r, [
    undefined,
    Buffer.from('{'),
    Buffer.from('null'),
    Buffer.from('[]'),
    Buffer.from(JSON.stringify({ schemaVersion: 2, name: `${DIGEST}@${'a'.repeat(32)}`, content: '!!!' })),
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        name: `${DIGEST}@${'a'.repeat(32)}`,
        content: Buffer.from(sig).toString('base64'),
      }),
    ),
    Buffer.from(JSON.stringify({ version: 'two', type: 7, content: {} })),
    Buffer.from(JSON.stringify({ references: ['r.io/a:latest', 'x'] })),
    Buffer.from(
      JSON.stringify({
        events: [
          {
            action: 'push',
            target: {
              mediaType: 'application/vnd.oci.image.manifest.v1+json',
              repository: '../x',
              digest: 'sha256:zz',
            },
          },
        ],
      }),
    ),
    randomBytes(Math.floor(r() * 2048)),
    Buffer.alloc(7 * 1024 * 1024, 0x41),
  ]);
}

async function snapshot(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const file = path.join(e.parentPath, e.name);
    out.push(`${path.relative(dir, file)} ${(await readFile(file)).toString('base64').slice(0, 40)}`);
  }
  return out.sort();
}

test('malformed requests never cause a 5xx, a crash, or a change outside or inside the store', async (t) => {
  t.timeout(300_000); // 2,000 requests, each checked against the contract, on a loaded CI machine
  const api = await startApi(t);
  await api.store.append(
    { registry: 'registry.example.com', repository: 'ns/app', digest: DIGEST },
    [{ bytes: readVector('containers-image/image.signature') }],
    { origin: 'import' },
  );
  const before = await snapshot(api.dir);
  const r = rng(20261125);
  const statuses = new Map<number, number>();
  for (let i = 0; i < REQUESTS; i++) {
    const method = pick(r, METHODS);
    const token = pick(r, [undefined, TOKENS.signer, TOKENS.admin, TOKENS.importer, 'wrong']);
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    const b = method === 'GET' || method === 'HEAD' ? undefined : body(r);
    const p = path_(r);
    const res = await rawRequest(api.base, p, method, b, headers).catch((err: Error) => ({
      status: -1,
      body: err.message,
    }));
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    if (res.status >= 500 || res.status === -1)
      t.fail(
        `request ${i}: ${method} ${p} (${b?.length ?? 0} bytes) → ${res.status} ${res.body.slice(0, 200)}`,
      );
  }
  t.log(Object.fromEntries(statuses));
  t.deepEqual(await snapshot(api.dir), before, 'nothing created, removed or changed');
  t.is((await fetch(`${api.base}/healthz`)).status, 200, 'still serving');
});
