/**
 * The one SignatureStore conformance suite. Each backend's test file plugs in a factory;
 * nothing here knows the backend (STYLE habit #5, distribution's testsuites).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Declare } from '../helpers/needs.js';
import { isReleaseKey, releaseKey, type ImageKey, type SignatureStore } from '../../src/store/index.js';

/** A fresh, empty store for one test and how to verify it left nothing behind. */
export interface StoreFactory {
  (): Promise<{
    store: SignatureStore;
    cleanup: () => Promise<void>;
    /**
     * Backends whose signatures are files: writes `signature-1..n` of an image straight into the
     * store's tree, as someone copying a lookaside tree in by hand would (no metadata).
     */
    plantUntracked?: (image: ImageKey, signatures: readonly Uint8Array[], from?: number) => Promise<void>;
  }>;
}

const image = (n = 1): ImageKey => ({
  registry: 'registry.example.com:5000',
  repository: `ns/app${n}`,
  digest: `sha256:${createHash('sha256').update(String(n)).digest('hex')}`,
});
const sig = (text: string) => ({ bytes: new Uint8Array(Buffer.from(`\xa3\x01${text}`, 'latin1')) });
const hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** What adoptUntracked records as claims in these tests: derived from the bytes and the image. */
const describeForTest = (bytes: Uint8Array, key: ImageKey) => ({
  claim: hex(bytes).slice(0, 8),
  digest: key.digest,
});

/** What a backend can do beyond the interface, so the suite checks it too. */
export interface StoreCapabilities {
  /** Signatures are files that can exist without metadata (the factory gives plantUntracked). */
  readonly filesWithoutMetadata?: boolean;
}

export function runStoreConformance(
  test: Declare,
  factory: StoreFactory,
  capabilities: StoreCapabilities = {},
): void {
  const withStore = (
    name: string,
    body: (
      store: SignatureStore,
      plant: Awaited<ReturnType<StoreFactory>>['plantUntracked'],
    ) => Promise<void>,
  ) =>
    test(name, async (t) => {
      const { store, cleanup, plantUntracked } = await factory();
      try {
        await body(store, plantUntracked);
        t.pass();
      } finally {
        await store.close();
        await cleanup();
      }
    });

  withStore('adoptUntracked adopts nothing when every signature has metadata', async (store) => {
    await store.append(image(1), [sig('a'), sig('b')], { origin: 'import', by: 'worker' });
    const before = await store.list(image(1));
    assertDeep(await store.adoptUntracked(describeForTest), { images: 0, signatures: 0, skipped: [] });
    assertDeep(await store.list(image(1)), before);
  });

  if (capabilities.filesWithoutMetadata)
    withStore(
      'a tree copied in by hand is adopted: metadata, claims, listings; once',
      async (store, plant) => {
        assert(plant !== undefined, 'the factory plants files');
        const copied = [sig('x').bytes, sig('y').bytes];
        await plant!(image(1), copied); // a whole image from another mirror
        await store.append(image(2), [sig('a')], { origin: 'import' });
        await plant!(image(2), [sig('b').bytes], 2); // one more file beside known ones
        await plant!(image(3), [sig('c').bytes]);
        assert((await store.list(image(3)))[0]?.origin === 'unknown', 'a list adopts files, without claims');
        const known = async () => {
          const keys: string[] = [];
          for await (const k of store.images()) keys.push(k.repository);
          return keys.sort();
        };
        assertDeep(await known(), ['ns/app2', 'ns/app3']);
        assertDeep(await store.adoptUntracked(describeForTest), { images: 3, signatures: 4, skipped: [] });
        assertDeep(await known(), ['ns/app1', 'ns/app2', 'ns/app3']);
        assertDeep(
          (await store.list(image(1))).map((e) => [
            e.index,
            e.sha256,
            e.size,
            e.origin,
            e.by,
            e.parsed,
            e.verifications,
          ]),
          copied.map((bytes, i) => [
            i + 1,
            hex(bytes),
            bytes.length,
            'adopted',
            'reindex',
            describeForTest(bytes, image(1)),
            [],
          ]),
        );
        assertDeep(
          (await store.list(image(2))).map((e) => [e.origin, e.parsed]),
          [
            ['import', null],
            ['adopted', describeForTest(sig('b').bytes, image(2))],
          ],
        );
        assertDeep(await store.read(image(1), 2), copied[1]);
        assertLike(await store.summary(image(1)), { signatures: 2, status: 'unverified' });
        assertDeep(await store.adoptUntracked(describeForTest), { images: 0, signatures: 0, skipped: [] });
      },
    );

  withStore('an unknown image lists [] and reads undefined', async (store) => {
    assertDeep(await store.list(image()), []);
    assert((await store.read(image(), 1)) === undefined, 'read of a missing index');
    assert((await store.read(image(), 0)) === undefined, 'read of index 0');
  });

  withStore('append, list and read round-trip byte-exact with provenance', async (store) => {
    const a = sig('a'),
      b = { ...sig('b'), source: 'https://up/b', parsed: { keyId: 'ABC' } };
    const r = await store.append(image(), [a, b], { origin: 'import', by: 'worker' });
    assertDeep(r, { added: [1, 2], duplicates: [] });
    assertDeep(await store.read(image(), 1), a.bytes);
    assertDeep(await store.read(image(), 2), b.bytes);
    assert((await store.read(image(), 3)) === undefined, 'no third signature');
    const list = await store.list(image());
    assertDeep(
      list.map((e) => [e.index, e.sha256, e.size, e.source, e.origin, e.by, e.parsed]),
      [
        [1, hex(a.bytes), a.bytes.length, null, 'import', 'worker', null],
        [2, hex(b.bytes), b.bytes.length, 'https://up/b', 'import', 'worker', { keyId: 'ABC' }],
      ],
    );
    assert(
      list.every((e) => !Number.isNaN(Date.parse(e.storedAt))),
      'storedAt is a date',
    );
  });

  withStore(
    're-import dedupes by content and appends only new signatures; indices never move',
    async (store) => {
      await store.append(image(), [sig('a'), sig('b')], { origin: 'import' });
      const r = await store.append(image(), [sig('b'), sig('c'), sig('a'), sig('c')], { origin: 'import' });
      assertDeep(r, { added: [3], duplicates: [2, 1, 3] });
      assertDeep(
        (await store.list(image())).map((e) => e.index),
        [1, 2, 3],
      );
      assertDeep(await store.read(image(), 3), sig('c').bytes);
    },
  );

  withStore('images are independent', async (store) => {
    await store.append(image(1), [sig('x')], { origin: 'import' });
    await store.append(image(2), [sig('x'), sig('y')], { origin: 'upload', by: 'ci' });
    assert((await store.list(image(1))).length === 1, 'image 1 has one');
    assert((await store.list(image(2))).length === 2, 'image 2 has two');
    const all = [];
    for await (const key of store.images()) all.push(key);
    assertDeep(
      all.sort((x, y) => x.repository.localeCompare(y.repository)),
      [image(1), image(2)],
    );
  });

  withStore('20 concurrent appends to one image stay contiguous and lose nothing', async (store) => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.append(image(), [sig(`c${i}`), sig('shared')], { origin: 'import' }),
      ),
    );
    const list = await store.list(image());
    assert(list.length === 21, `21 distinct signatures, got ${list.length}`);
    assertDeep(
      list.map((e) => e.index),
      Array.from({ length: 21 }, (_, i) => i + 1),
    );
    assertDeep(
      results.flatMap((r) => r.added).sort((x, y) => x - y),
      list.map((e) => e.index),
    );
    for (const e of list)
      assert(hex((await store.read(image(), e.index))!) === e.sha256, `bytes of ${e.index}`);
  });

  withStore('verification records are appended as history, never replaced', async (store) => {
    await store.append(image(), [sig('a')], { origin: 'import' });
    await store.recordVerification(image(), 1, {
      at: '2026-01-01T00:00:00Z',
      by: 'auditor',
      verdict: 'reject',
    });
    await store.recordVerification(image(), 1, {
      at: '2026-01-02T00:00:00Z',
      by: 'auditor',
      verdict: 'accept',
    });
    assertDeep(
      (await store.list(image()))[0]!.verifications.map((v) => v.verdict),
      ['reject', 'accept'],
    );
    await rejects(store.recordVerification(image(), 2, { at: 'x', by: 'y' }), /no signature-2/);
    assertDeep(await store.read(image(), 1), sig('a').bytes);
  });

  withStore('remove renumbers the rest contiguously; remove all empties the image', async (store) => {
    await store.append(image(), [sig('a'), sig('b'), sig('c')], { origin: 'import' });
    assert((await store.remove(image(), [2])) === 1, 'one removed');
    const listed = async () =>
      (await store.listImages({ limit: 10 })).items.map((r) => [r.signatures, r.status]);
    assertDeep(await listed(), [[2, 'unverified']]); // the listing follows the removal
    assertDeep(
      (await store.list(image())).map((e) => [e.index, e.size]),
      [
        [1, 3],
        [2, 3],
      ],
    );
    assertDeep(await store.read(image(), 2), sig('c').bytes);
    assert((await store.read(image(), 3)) === undefined, 'no third after removal');
    assert((await store.remove(image(), [7])) === 0, 'nothing to remove');
    assert((await store.remove(image(), 'all')) === 2, 'two removed');
    assertDeep(await store.list(image()), []);
    assertDeep(await listed(), [[0, 'unsigned']]);
    assert((await store.read(image(), 1)) === undefined, 'nothing left');
  });

  withStore('a 4 MiB signature round-trips', async (store) => {
    const big = new Uint8Array(randomBytes(4 * 1024 * 1024));
    await store.append(image(), [{ bytes: big }], { origin: 'import' });
    assertDeep(await store.read(image(), 1), big);
  });

  withStore('statuses follow the verification records; the latest check decides', async (store) => {
    const a = image(1);
    await store.append(a, [], { origin: 'import', lookaside: 'https://sigstore.example/s' });
    assertLike(await store.summary(a), {
      status: 'unsigned',
      signatures: 0,
      source: 'https://sigstore.example/s',
    });
    await store.append(a, [sig('a'), sig('b')], { origin: 'import' });
    assertLike(await store.summary(a), { status: 'unverified', signatures: 2 });
    await store.recordVerification(a, 1, { at: '2026-01-01T00:00:00Z', by: 'x', verdict: 'unsupported' });
    await store.recordVerification(a, 2, { at: '2026-01-01T00:00:00Z', by: 'x', verdict: 'trusted' });
    assertLike(await store.summary(a), { status: 'verified', lastVerifiedAt: '2026-01-01T00:00:00Z' });
    await store.recordVerification(a, 2, { at: '2026-01-02T00:00:00Z', by: 'x', verdict: 'rejected' });
    assertLike(await store.summary(a), { status: 'failed' });
    assertDeep(await store.countImages(), { verified: 0, failed: 1, unverified: 0, unsigned: 0 });
    await store.remove(a, 'all');
    assertLike(await store.summary(a), { status: 'unsigned', signatures: 0 });
    assert((await store.summary(image(2))) === undefined, 'an unknown image has no summary');
  });

  withStore('the listing pages by cursor in reference order and filters by status', async (store) => {
    for (const n of [3, 1, 2])
      await store.append(image(n), n === 2 ? [] : [sig(`s${n}`)], { origin: 'import' });
    const first = await store.listImages({ limit: 2 });
    assertDeep(
      first.items.map((r) => r.repository),
      ['ns/app1', 'ns/app2'],
    );
    const rest = await store.listImages({ limit: 2, cursor: first.next! });
    assertDeep(
      rest.items.map((r) => r.repository),
      ['ns/app3'],
    );
    assert(rest.next === null, 'the last page has no next');
    assertDeep(
      (await store.listImages({ limit: 10, status: 'unsigned' })).items.map((r) => r.repository),
      ['ns/app2'],
    );
  });

  withStore(
    'a release (digest only) is a key of its own beside an image of the same digest',
    async (store) => {
      const release = releaseKey(image(7).digest);
      await store.append(image(7), [sig('image')], { origin: 'import' });
      const r = await store.append(release, [sig('r1'), sig('r2'), sig('r1')], {
        origin: 'import',
        lookaside: 'https://mirror.example/release',
      });
      assertDeep(r, { added: [1, 2], duplicates: [1] });
      assertDeep(await store.read(release, 2), sig('r2').bytes);
      assert((await store.read(release, 3)) === undefined, 'no third release signature');
      assertDeep(await store.read(image(7), 1), sig('image').bytes);
      assertLike(await store.summary(release), {
        reference: `release-signatures/release@${image(7).digest}`,
        signatures: 2,
        status: 'unverified',
        source: 'https://mirror.example/release',
      });
      await store.recordVerification(release, 2, { at: '2026-01-01T00:00:00Z', by: 'x', verdict: 'trusted' });
      assertLike(await store.summary(release), { status: 'verified' });
      const keys: ImageKey[] = [];
      for await (const key of store.images()) keys.push(key);
      assert(keys.filter(isReleaseKey).length === 1, 'images() yields the release key once');
      assertDeep(
        (await store.listImages({ limit: 10, registry: 'release-signatures' })).items.map((i) => i.digest),
        [image(7).digest],
      );
      assert((await store.remove(release, [1])) === 1, 'release signature removed');
      assertDeep(await store.read(release, 1), sig('r2').bytes);
    },
  );

  withStore('the import history: imports record when and from where, uploads neither', async (store) => {
    await store.append(image(1), [sig('a')], { origin: 'upload', by: 'admin' });
    assertLike(await store.summary(image(1)), { lastImportAt: null, source: null });
    await store.append(image(1), [], { origin: 'import', lookaside: 'https://sigs.example/base' });
    const imported = await store.summary(image(1));
    assertLike(imported, { source: 'https://sigs.example/base' });
    assert(typeof imported?.lastImportAt === 'string', 'an import sets lastImportAt');
    await store.append(image(1), [], { origin: 'import' }); // no sigstore named: the source stays
    assertLike(await store.summary(image(1)), { source: 'https://sigs.example/base' });
    await store.append(image(2), [], { origin: 'import' });
    assertLike(await store.summary(image(2)), { signatures: 0, status: 'unsigned', source: null });
  });

  withStore(
    'names and the cap: a taken name refused, a re-sent one a duplicate, the 128th refused',
    async (store) => {
      const named = { ...sig('a'), name: 'sha256:x@1' };
      assertDeep(await store.append(image(1), [named, named], { origin: 'upload' }), {
        added: [1],
        duplicates: [1],
      });
      await rejects(
        store.append(image(1), [{ ...sig('b'), name: 'sha256:x@1' }], { origin: 'upload' }),
        /sha256:x@1/,
      );
      const many = Array.from({ length: 126 }, (_, i) => sig(`many-${i}`));
      assert(
        (await store.append(image(1), many, { origin: 'import' })).added.length === 126,
        '126 more stored',
      );
      assertDeep(await store.append(image(1), [named], { origin: 'upload' }), { added: [], duplicates: [1] });
      await rejects(store.append(image(1), [sig('the 128th')], { origin: 'import' }), /127/);
      assert((await store.list(image(1))).length === 127, 'nothing of a refused append is stored');
      assert((await store.read(image(1), 128)) === undefined, 'no signature-128');
    },
  );

  withStore(
    'reads of index 0, a negative or a fraction are undefined; removing nothing changes nothing',
    async (store) => {
      await store.append(image(1), [sig('a')], { origin: 'import' });
      for (const index of [0, -1, 1.5, Number.NaN])
        assert((await store.read(image(1), index)) === undefined, `index ${index}`);
      assert((await store.remove(image(1), [])) === 0, 'an empty removal');
      assert((await store.remove(image(2), 'all')) === 0, 'a removal from an unknown image');
      assert((await store.summary(image(2))) === undefined, 'which it does not create');
      assert((await store.list(image(1))).length === 1, 'the signature stays');
    },
  );

  withStore('images() lists every image, past one scan batch', async (store) => {
    const n = 1_100;
    for (let i = 0; i < n; i += 100)
      await Promise.all(
        Array.from({ length: 100 }, (_, j) => store.append(image(1000 + i + j), [], { origin: 'import' })),
      );
    const seen = new Set<string>();
    for await (const key of store.images()) seen.add(key.repository);
    assert(seen.size === n, `${n} images listed, got ${seen.size}`);
  });

  const badKeys: Array<[string, ImageKey]> = [
    ['traversal in repository', { ...image(), repository: '../../etc' }],
    ['encoded traversal', { ...image(), repository: 'ns/%2e%2e' }],
    ['NUL', { ...image(), repository: 'ns/a\0b' }],
    ['uppercase', { ...image(), repository: 'NS/app' }],
    ['bad registry', { ...image(), registry: '../x' }],
    ['bad digest', { ...image(), digest: 'sha256:../../x' }],
    ['other algorithm', { ...image(), digest: `sha512:${'a'.repeat(128)}` }],
    ['release with a bad digest', releaseKey('sha256:../../../etc')],
  ];
  for (const [name, key] of badKeys) {
    withStore(`invalid image key rejected before any write: ${name}`, async (store) => {
      await rejects(store.append(key, [sig('a')], { origin: 'import' }), /invalid/);
      await rejects(store.list(key), /invalid/);
      await rejects(store.read(key, 1), /invalid/);
    });
  }
}

function assert(ok: boolean, what: string): void {
  if (!ok) throw new Error(`store conformance: ${what}`);
}

function assertLike(actual: object | undefined, expected: Record<string, unknown>): void {
  assert(actual !== undefined, 'a summary');
  assertDeep(
    Object.fromEntries(Object.keys(expected).map((k) => [k, (actual as Record<string, unknown>)[k]])),
    expected,
  );
}

function assertDeep(actual: unknown, expected: unknown): void {
  const norm = (v: unknown) =>
    JSON.stringify(v, function (this: Record<string, unknown>, key, x) {
      const raw = this[key];
      return raw instanceof Uint8Array ? Buffer.from(raw).toString('hex') : x;
    });
  if (norm(actual) !== norm(expected))
    throw new Error(
      `store conformance: expected ${norm(expected).slice(0, 300)}, got ${norm(actual).slice(0, 300)}`,
    );
}

async function rejects(p: Promise<unknown>, message: RegExp): Promise<void> {
  try {
    await p;
  } catch (err) {
    if (!message.test((err as Error).message))
      throw new Error(`store conformance: wrong error ${(err as Error).message}`);
    return;
  }
  throw new Error('store conformance: expected a rejection');
}
