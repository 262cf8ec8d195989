import test from 'ava';
import { checkedDigest, checkedImage, parseExtensionsName } from '../../../src/api/paths.js';
import { parseMirrorPath } from '../../../src/lookaside/index.js';

const HEX = 'a'.repeat(64);

test('mirror paths parse into image and index', (t) => {
  t.deepEqual(parseMirrorPath(`registry.redhat.io/ubi9/ubi@sha256=${HEX}/signature-12`), {
    image: { registry: 'registry.redhat.io', repository: 'ubi9/ubi', digest: `sha256:${HEX}` },
    index: 12,
  });
  t.deepEqual(
    parseMirrorPath(`127.0.0.1:5000/a@sha256=${HEX}/signature-1`)?.image.registry,
    '127.0.0.1:5000',
  );
});

const notMirror = [
  `reg.io/a@sha256=${HEX}/signature-0`,
  `reg.io/a@sha256=${HEX}/signature-01`,
  `reg.io/a@sha256=${HEX}/signature-99999`,
  `reg.io/a@sha256=${HEX}/signature-`,
  `reg.io/a@sha256=${HEX}/`,
  `reg.io/a@sha256=${HEX}`,
  `reg.io/a@sha256=${HEX.toUpperCase()}/signature-1`,
  `reg.io/a@sha512=${HEX}/signature-1`,
  `reg.io/../etc@sha256=${HEX}/signature-1`,
  `reg.io/%2e%2e/etc@sha256=${HEX}/signature-1`,
  `reg.io/a%2fb@sha256=${HEX}/signature-1`,
  `reg.io/a\0@sha256=${HEX}/signature-1`,
  `reg.io//a@sha256=${HEX}/signature-1`,
  `reg.io/A@sha256=${HEX}/signature-1`,
  `reg.io@sha256=${HEX}/signature-1`,
  `bad_host/a@sha256=${HEX}/signature-1`,
  `reg.io/${'a/'.repeat(200)}a@sha256=${HEX}/signature-1`,
  `reg.io/a@sha256=${HEX}/signature-1/extra`,
];
for (const path of notMirror) {
  test(`not a mirror path: ${JSON.stringify(path.replace(HEX, '<hex>').slice(0, 80))}`, (t) => {
    t.is(parseMirrorPath(path), undefined);
  });
}

test('extensions names: host-like first component is the registry, else the default', (t) => {
  const d = `sha256:${HEX}`;
  t.deepEqual(parseExtensionsName('registry.redhat.io/rhel7/rhel', d, 'x.io'), {
    registry: 'registry.redhat.io',
    repository: 'rhel7/rhel',
    digest: d,
  });
  t.deepEqual(parseExtensionsName('rhel7/rhel', d, 'registry.redhat.io'), {
    registry: 'registry.redhat.io',
    repository: 'rhel7/rhel',
    digest: d,
  });
  t.is(parseExtensionsName('localhost/app', d, undefined).registry, 'localhost');
  t.is(parseExtensionsName('reg:5000/app', d, undefined).registry, 'reg:5000');
});

const badNames: Array<[string, string, string | undefined, string]> = [
  ['ns/../etc', `sha256:${HEX}`, 'r.io', 'NAME_INVALID'],
  ['ns/%2e%2e', `sha256:${HEX}`, 'r.io', 'NAME_INVALID'],
  ['ns//app', `sha256:${HEX}`, 'r.io', 'NAME_INVALID'],
  ['NS/app', `sha256:${HEX}`, 'r.io', 'NAME_INVALID'],
  ['ns/app', `sha256:${HEX}`, undefined, 'NAME_INVALID'],
  ['r.io', `sha256:${HEX}`, undefined, 'NAME_INVALID'],
  ['ns/app', 'sha256:abc', 'r.io', 'DIGEST_INVALID'],
  ['ns/app', `sha512:${HEX}${HEX}`, 'r.io', 'DIGEST_INVALID'],
];
for (const [name, digest, def, code] of badNames) {
  test(`extensions name rejected: ${name} ${digest.slice(0, 12)} → ${code}`, (t) => {
    t.throws(() => parseExtensionsName(name, digest, def), { instanceOf: Error, message: /./ });
    try {
      parseExtensionsName(name, digest, def);
    } catch (err) {
      t.is((err as { code: string }).code, code);
    }
  });
}

test('extensions names: the registry is the first component only, and a host alone is no name', (t) => {
  const d = `sha256:${HEX}`;
  // A dot after the first slash does not make the first component a host.
  t.deepEqual(parseExtensionsName('a/b.c', d, 'reg.example.com'), {
    registry: 'reg.example.com',
    repository: 'a/b.c',
    digest: d,
  });
  for (const host of ['localhost', 'r.io', 'r:5000'])
    t.like(
      t.throws(() => parseExtensionsName(host, d, 'reg.example.com')),
      {
        code: 'NAME_INVALID',
        message: `invalid repository name "${host}"`,
        detail: 'name needs a registry host',
      },
      host,
    );
  t.like(
    t.throws(() => parseExtensionsName('ns/app', d, undefined)),
    { code: 'NAME_INVALID', detail: 'name needs a registry host' },
  );
});

test('NAME_INVALID messages quote at most 300 characters of the name', (t) => {
  const d = `sha256:${HEX}`;
  const long = 'a'.repeat(400);
  const noHost = t.throws(() => parseExtensionsName(`ns/${long}`, d, undefined));
  t.is(noHost?.message, `invalid repository name "ns/${long}"`.slice(0, 300));
  const tooLong = t.throws(() => checkedImage({ registry: 'r.io', repository: long, digest: d }));
  t.like(tooLong, { code: 'NAME_INVALID', message: `invalid repository name "r.io/${long}"`.slice(0, 300) });
  t.is(tooLong?.message.length, 300);
});

test('release digests: sha256 with 64 lowercase hex, returned unchanged; anything else DIGEST_INVALID', (t) => {
  t.is(checkedDigest(`sha256:${HEX}`), `sha256:${HEX}`);
  for (const bad of ['', `sha256:${HEX.toUpperCase()}`, `sha512:${HEX}`, `sha256:${HEX}0`, HEX])
    t.like(
      t.throws(() => checkedDigest(bad)),
      { code: 'DIGEST_INVALID', message: 'digest must be sha256:<64 lowercase hex>' },
      bad,
    );
});
