/** `GET /v1/images` (listing), `/v1/images/summary`, one image's status, and `GET /v1/status`. */
import { needs } from '../../helpers/needs.js';
import { bearer, startApi } from '../../helpers/api.js';

const test = await needs({ redis: true });

const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;
const sig = (text: string) => ({ bytes: Buffer.from(`\xa3\x01${text}`, 'latin1') });

async function seeded(t: Parameters<typeof startApi>[0]) {
  const api = await startApi(t);
  for (let n = 1; n <= 5; n++)
    await api.store.append(
      { registry: 'registry.example.com', repository: `ns/app${n}`, digest: digest(n) },
      n === 5 ? [] : [sig(String(n))],
      { origin: 'import', lookaside: 'https://sigstore.example.com/s' },
    );
  await api.store.recordVerification(
    { registry: 'registry.example.com', repository: 'ns/app2', digest: digest(2) },
    1,
    {
      at: '2026-11-25T12:00:00.000Z',
      by: 'auditor-bot',
      verdict: 'trusted',
    },
  );
  return api;
}

test('GET /v1/images pages by cursor and filters by status', async (t) => {
  const api = await seeded(t);
  const page1 = await fetch(`${api.base}/v1/images?limit=2`);
  t.is(page1.status, 200);
  const body1 = (await page1.json()) as { items: Record<string, unknown>[]; next: string };
  t.deepEqual(body1.items[0], {
    registry: 'registry.example.com',
    repository: 'ns/app1',
    digest: digest(1),
    reference: `registry.example.com/ns/app1@${digest(1)}`,
    signatures: 1,
    status: 'unverified',
    lastVerifiedAt: null,
    lastImportAt: body1.items[0]!.lastImportAt,
    source: 'https://sigstore.example.com/s',
  });
  t.regex(String(body1.items[0]!.lastImportAt), /^\d{4}-\d\d-\d\dT/);
  t.is(body1.next, `registry.example.com/ns/app2@${digest(2)}`);
  const page2 = (await (
    await fetch(`${api.base}/v1/images?limit=2&cursor=${encodeURIComponent(body1.next)}`)
  ).json()) as {
    items: { repository: string }[];
  };
  t.deepEqual(
    page2.items.map((i) => i.repository),
    ['ns/app3', 'ns/app4'],
  );
  const verified = (await (await fetch(`${api.base}/v1/images?status=verified`)).json()) as {
    items: { repository: string }[];
    next: null;
  };
  t.deepEqual(verified, { items: [verified.items[0]!], next: null });
  t.is(verified.items[0]!.repository, 'ns/app2');
  const unsigned = (await (
    await fetch(`${api.base}/v1/images?status=unsigned&registry=registry.example.com`)
  ).json()) as {
    items: { repository: string; signatures: number }[];
  };
  t.like(unsigned.items, [{ repository: 'ns/app5', signatures: 0 }]);
});

test('GET /v1/images rejects bad parameters with 400 naming them', async (t) => {
  const api = await seeded(t);
  const cases: [string, string][] = [
    ['status=nope', 'invalid query parameter status'],
    ['limit=0', 'invalid query parameter limit'],
    ['limit=1001', 'invalid query parameter limit'],
    ['limit=abc', 'invalid query parameter limit'],
    ['color=red', 'invalid query parameter'],
    [`cursor=${'x'.repeat(601)}`, 'invalid query parameter cursor'],
  ];
  for (const [query, message] of cases) {
    const r = await fetch(`${api.base}/v1/images?${query}`);
    t.is(r.status, 400, query);
    t.like(await r.json(), { errors: [{ code: 'BAD_REQUEST', message }] }, query);
  }
});

test('GET /v1/images/summary counts per status; one image reports its status', async (t) => {
  const api = await seeded(t);
  t.deepEqual(await (await fetch(`${api.base}/v1/images/summary`)).json(), {
    counts: { verified: 1, failed: 0, unverified: 3, unsigned: 1 },
    total: 5,
  });
  const one = (await (
    await fetch(`${api.base}/v1/images/registry.example.com/ns/app2@${digest(2)}`)
  ).json()) as Record<string, unknown>;
  t.like(one, {
    status: 'verified',
    known: true,
    source: 'https://sigstore.example.com/s',
    lastVerifiedAt: '2026-11-25T12:00:00.000Z',
  });
  const unknown = (await (
    await fetch(`${api.base}/v1/images/registry.example.com/ns/other@${digest(9)}`)
  ).json()) as Record<string, unknown>;
  t.like(unknown, { status: 'unsigned', known: false, signatures: [] });
});

test('GET /v1/status shows registries.d, queue, keys and recent jobs; a bad token is refused', async (t) => {
  const api = await startApi(t, {
    verify: { keys: { redhat: '/etc/pki/rpm-gpg/RPM-GPG-KEY-redhat-release' } },
  });
  const r = await fetch(`${api.base}/v1/status`, { headers: bearer('reader') });
  t.is(r.status, 200);
  const body = (await r.json()) as { registries: Record<string, unknown> } & Record<string, unknown>;
  t.like(body, {
    registries: { files: 1, lastError: null, failures: 0 },
    queueDepth: 0,
    verifyKeys: ['redhat'],
    recentImports: [],
    recentFailures: [],
  });
  t.regex(String(body.registries.loadedAt), /^\d{4}-\d\d-\d\dT/);
  t.is((await fetch(`${api.base}/v1/status`, { headers: { authorization: 'Bearer wrong' } })).status, 401);
});
