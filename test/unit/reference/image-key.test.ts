import test from 'ava';
import fc from 'fast-check';
import { checkedImage } from '../../../src/api/paths.js';
import { MAX_INDEX, mirrorPath, parseMirrorPath } from '../../../src/lookaside/index.js';
import { importJobSchema } from '../../../src/queue/index.js';
import {
  checkImageKey,
  imageKeyFromReference,
  imageKeyProblem,
  imageReference,
  ImageKeyError,
  isRegistry,
  isRepository,
  isSha256Digest,
  ReferenceError,
  type ImageKey,
} from '../../../src/reference/index.js';

const HEX = 'ab'.repeat(32);
const D = `sha256:${HEX}`;
const good: ImageKey = { registry: 'registry.example.com:5000', repository: 'team/app', digest: D };

test('a valid key passes unchanged; only its three fields are kept', (t) => {
  t.deepEqual(checkImageKey({ ...good, extra: 1 } as ImageKey), good);
  t.is(imageKeyProblem(good), undefined);
});

const bad: [Partial<ImageKey>, 'registry' | 'repository' | 'digest', string][] = [
  [{ registry: '' }, 'registry', 'invalid registry ""'],
  [{ registry: 'bad_host' }, 'registry', 'invalid registry "bad_host"'],
  [{ registry: 'reg/x' }, 'registry', 'invalid registry "reg/x"'],
  [{ repository: '' }, 'repository', 'invalid repository path ""'],
  [{ repository: '../etc' }, 'repository', 'invalid repository path "../etc"'],
  [{ repository: 'a//b' }, 'repository', 'invalid repository path "a//b"'],
  [{ repository: 'a/%2e%2e' }, 'repository', 'invalid repository path "a/%2e%2e"'],
  [{ repository: 'Team/app' }, 'repository', 'invalid repository path "Team/app"'],
  [{ digest: 'sha256:abc' }, 'digest', 'invalid digest "sha256:abc"'],
  [{ digest: `sha512:${HEX}` }, 'digest', `invalid digest "sha512:${HEX}"`],
  [{ digest: D.toUpperCase() }, 'digest', `invalid digest "${D.toUpperCase()}"`],
  [{ digest: `${D}\n` }, 'digest', `invalid digest "${D}\n"`],
];
for (const [change, part, message] of bad) {
  test(`refused: ${JSON.stringify(change)} → ${part}`, (t) => {
    const key = { ...good, ...change };
    t.is(imageKeyProblem(key), part);
    const err = t.throws(() => checkImageKey(key), {
      instanceOf: ImageKeyError,
      name: 'ImageKeyError',
      message,
    });
    t.is(err?.part, part);
    t.true(err instanceof ReferenceError, 'callers that catch ReferenceError see it');
  });
}

test('the first bad part is reported: registry, then repository, then digest', (t) => {
  t.is(imageKeyProblem({ registry: '-', repository: '..', digest: 'x' }), 'registry');
  t.is(imageKeyProblem({ ...good, repository: '..', digest: 'x' }), 'repository');
});

test('registry/repository is at most 255 characters (distribution), counted before any pattern runs', (t) => {
  const registry = 'r.io';
  const fits = `${'a'.repeat(125)}/${'b'.repeat(125)}`; // 4 + 1 + 251 = 256
  t.is(imageKeyProblem({ registry, repository: fits.slice(1), digest: D }), undefined); // 255
  t.is(imageKeyProblem({ registry, repository: fits, digest: D }), 'repository'); // 256
  t.is(imageKeyProblem({ registry: `${'r'.repeat(250)}.io`, repository: 'a', digest: D }), undefined); // 255
  t.is(imageKeyProblem({ registry: `${'r'.repeat(250)}.io`, repository: 'ab', digest: D }), 'repository');
});

test('each part alone: 255 characters pass, 256 do not (checked before any pattern runs)', (t) => {
  const label = `${'a'.repeat(63)}.`;
  const registry255 = `${label.repeat(3)}${'b'.repeat(63)}`; // 4 × 64 − 1 = 255
  t.is(registry255.length, 255);
  t.true(isRegistry(registry255));
  t.false(isRegistry(`${registry255}c`));
  const repository255 = `${'a'.repeat(127)}/${'b'.repeat(127)}`;
  t.true(isRepository(repository255));
  t.false(isRepository(`${repository255}c`));
});

test('the digest is matched whole: nothing before sha256:, nothing after the hex', (t) => {
  t.true(isSha256Digest(D));
  for (const bad of [`x${D}`, `/${D}`, `${D}0`, `${D}\n`]) t.false(isSha256Digest(bad), JSON.stringify(bad));
});

test('the message quotes at most 80 characters of the refused value', (t) => {
  const repository = `${'x'.repeat(90)}/..`;
  t.throws(() => checkImageKey({ ...good, repository }), {
    message: `invalid repository path "${repository.slice(0, 80)}"`,
  });
});

test('references: normalised like docker (docker.io/library), digest only, sha256 only', (t) => {
  t.deepEqual(imageKeyFromReference(`busybox@${D}`), {
    registry: 'docker.io',
    repository: 'library/busybox',
    digest: D,
  });
  t.deepEqual(imageKeyFromReference(`127.0.0.1:5000/a/b@${D}`), {
    registry: '127.0.0.1:5000',
    repository: 'a/b',
    digest: D,
  });
  t.throws(() => imageKeyFromReference('docker.io/x/y:tag'), {
    instanceOf: ReferenceError,
    message: '"docker.io/x/y:tag" has no digest: an image is named by registry/repository@sha256:<hex>',
  });
  t.throws(() => imageKeyFromReference(`r.io/x:1@${D}`), {
    message: `"r.io/x:1@${D}" has both a tag and a digest; give only the digest`,
  });
  t.throws(() => imageKeyFromReference(`r.io/x@sha512:${'c'.repeat(128)}`), {
    message: `"r.io/x@sha512:${'c'.repeat(128)}": only sha256 digests are supported`,
  });
});

test('imageReference is the inverse of imageKeyFromReference for normalised keys', (t) => {
  t.is(imageReference(good), `registry.example.com:5000/team/app@${D}`);
  t.deepEqual(imageKeyFromReference(imageReference(good)), good);
});

const component = fc.stringMatching(/^[a-z0-9]{1,8}(?:[._-][a-z0-9]{1,8})?$/);
const keys = fc.record({
  registry: fc.constantFrom('r.io', 'registry.example.com', '127.0.0.1:5000', 'localhost'),
  repository: fc.array(component, { minLength: 1, maxLength: 4 }).map((c) => c.join('/')),
  digest: fc.stringMatching(/^[a-f0-9]{64}$/).map((h) => `sha256:${h}`),
});

test('parseMirrorPath is the inverse of mirrorPath (any valid key, any index 1..MAX_INDEX)', (t) => {
  fc.assert(
    fc.property(keys, fc.integer({ min: 1, max: MAX_INDEX }), (image, index) => {
      t.deepEqual(parseMirrorPath(mirrorPath(image, index)), { image, index });
    }),
  );
});

/** Every edge refuses exactly what checkImageKey refuses: one validator, whatever the surface. */
test('the API, the job schema and the layout agree with checkImageKey on every key', (t) => {
  const samples = [good, ...bad.map(([change]) => ({ ...good, ...change }))];
  for (const key of samples) {
    const valid = imageKeyProblem(key) === undefined;
    t.is(importJobSchema.safeParse(key).success, valid, JSON.stringify(key));
    t.is(
      tryIt(() => checkedImage(key)),
      valid,
      JSON.stringify(key),
    );
    t.is(
      tryIt(() => mirrorPath(key, 1)),
      valid,
      JSON.stringify(key),
    );
  }
});

function tryIt(f: () => unknown): boolean {
  try {
    f();
    return true;
  } catch {
    return false;
  }
}
