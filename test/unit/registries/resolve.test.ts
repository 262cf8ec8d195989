import os from 'node:os';
import test from 'ava';
import { parseNormalizedReference } from '../../../src/reference/index.js';
import {
  builtinLookaside,
  lookasideFor,
  resolveReference,
  signatureBaseFor,
  useSigstoreAttachmentsFor,
  type RegistriesConfig,
  type ScopeEntry,
} from '../../../src/registries/index.js';

type Ns = ScopeEntry['ns'];
const HEX = 'b'.repeat(64);
const BUILTIN = 'file:///builtin';

/** A config as load.ts would build it, without touching disk. */
function config(scopes: Record<string, Ns>, defaultDocker?: Ns): RegistriesConfig {
  const entry = (scope: string, ns: Ns): ScopeEntry => ({ scope, file: `/d/${scope}.yaml`, line: 1, ns });
  return {
    dir: '/d',
    scopes: new Map(Object.entries(scopes).map(([s, ns]) => [s, entry(s, ns)])),
    defaultDocker: defaultDocker ? entry('default-docker', defaultDocker) : undefined,
    files: [],
  };
}

const read = (c: RegistriesConfig, ref: string) =>
  lookasideFor(c, parseNormalizedReference(ref), 'read', BUILTIN);
const write = (c: RegistriesConfig, ref: string) =>
  lookasideFor(c, parseNormalizedReference(ref), 'write', BUILTIN);

// The spec's worked example (registries-d.md §Worked examples).
const worked = config(
  {
    'reg:5000': { lookaside: 'H' },
    'reg:5000/a': { sigstore: 'A' },
    'reg:5000/a/b': { lookaside: 'AB' },
    'reg:5000/a/b/c:t2': { lookaside: 'T2' },
  },
  { lookaside: 'D' },
);
const workedRows: Array<[string, string, string]> = [
  ['reg:5000/a/b/c:t2', 'T2', 'reg:5000/a/b/c:t2'],
  ['reg:5000/a/b/c:t1', 'AB', 'reg:5000/a/b'],
  ['reg:5000/a/bc:t', 'A', 'reg:5000/a'],
  ['reg:5000/y:t', 'H', 'reg:5000'],
  ['other:5000/a/b/c:t1', 'D', 'default-docker'],
  ['reg/a/b/c:t1', 'D', 'default-docker'], // a bare host without port is another registry
];
for (const [ref, url, scope] of workedRows) {
  test(`worked example: ${ref} → ${url}`, (t) => {
    t.like(read(worked, ref), { url, scope });
  });
}

const rules = config(
  {
    'reg.example.com:5000': { lookaside: 'PORT' },
    'reg.example.com': { lookaside: 'NOPORT' },
    '*.example.com': { lookaside: 'WILD-EXAMPLE' },
    '*.com': { lookaside: 'WILD-COM' },
    '*.0.0.1': { lookaside: 'WILD-IP' },
    'docker.io/library/busybox': { lookaside: 'BUSYBOX' },
    'docker.io': { lookaside: 'HUB' },
    'localhost:5000/team': { lookaside: 'LOCAL-TEAM' },
    localhost: { lookaside: 'LOCALHOST' },
    [`quay.io/ns/app@sha256:${HEX}`]: { lookaside: 'BY-DIGEST' },
    'quay.io/ns/app:v1': { 'lookaside-staging': 'STAGING-ONLY' },
    'quay.io/ns': { lookaside: 'QUAY-NS', 'sigstore-staging': 'QUAY-NS-SS' },
    'quay.io': { sigstore: 'QUAY', 'lookaside-staging': 'QUAY-LS', 'sigstore-staging': 'QUAY-SS' },
    'deep.example.org/a/b/c/d/e': { lookaside: 'DEEP' },
    // Both keys set, sigstore written first: precedence must not follow key order.
    'both.example.net': { sigstore: 'BOTH-SIGSTORE', lookaside: 'BOTH-LOOKASIDE' },
  },
  { lookaside: 'DEFAULT', 'lookaside-staging': 'DEFAULT-STAGING' },
);
const ruleRows: Array<[string, string, string, string]> = [
  ['port: host:port scope matches', 'reg.example.com:5000/x/y:1', 'read', 'PORT'],
  ['port: bare host scope matches only port-less refs', 'reg.example.com/x', 'read', 'NOPORT'],
  ['wildcard: host without port, leading labels dropped', 'a.reg.example.com:443/x', 'read', 'WILD-EXAMPLE'],
  ['wildcard: most specific wildcard first', 'x.other.com/y', 'read', 'WILD-COM'],
  ['wildcard: IP addresses get wildcards too', '127.0.0.1:5000/x', 'read', 'WILD-IP'],
  ['docker.io normalisation: busybox', 'busybox', 'read', 'BUSYBOX'],
  ['docker.io normalisation: busybox:tag', 'busybox:1.36', 'read', 'BUSYBOX'],
  ['docker.io normalisation: index.docker.io', 'index.docker.io/library/busybox', 'read', 'BUSYBOX'],
  ['docker.io normalisation: user repo falls to the host scope', 'someone/app', 'read', 'HUB'],
  ['localhost: name with port and namespace', 'localhost:5000/team/app:1', 'read', 'LOCAL-TEAM'],
  ['localhost: without port', 'localhost/app', 'read', 'LOCALHOST'],
  ['localhost: other port is not "localhost"', 'localhost:5001/app', 'read', 'DEFAULT'],
  ['digest: identity scope by digest', `quay.io/ns/app@sha256:${HEX}`, 'read', 'BY-DIGEST'],
  [
    'digest: other digest falls to the namespace',
    `quay.io/ns/app@sha256:${'c'.repeat(64)}`,
    'read',
    'QUAY-NS',
  ],
  ['skip: a scope without a read URL is skipped', 'quay.io/ns/app:v1', 'read', 'QUAY-NS'],
  ['staging: lookaside-staging wins for writing', 'quay.io/ns/app:v1', 'write', 'STAGING-ONLY'],
  ['staging: sigstore-staging before lookaside', 'quay.io/ns/other', 'write', 'QUAY-NS-SS'],
  ['staging: lookaside-staging before sigstore-staging', 'quay.io/x', 'write', 'QUAY-LS'],
  ['legacy: sigstore is read when no lookaside', 'quay.io/x', 'read', 'QUAY'],
  ['precedence: lookaside before sigstore for reading', 'both.example.net/x', 'read', 'BOTH-LOOKASIDE'],
  ['precedence: lookaside before sigstore for writing', 'both.example.net/x', 'write', 'BOTH-LOOKASIDE'],
  ['nested namespaces: deepest parent', 'deep.example.org/a/b/c/d/e/f/g:1', 'read', 'DEEP'],
  ['nested namespaces: a sibling is not a parent', 'deep.example.org/a/b/c/d/ee', 'read', 'DEFAULT'],
  ['default-docker staging for writing', 'nowhere.test/x', 'write', 'DEFAULT-STAGING'],
];
for (const [name, ref, direction, url] of ruleRows) {
  test(`${name} (${ref}, ${direction})`, (t) => {
    t.is((direction === 'read' ? read : write)(rules, ref).url, url);
  });
}

test('built-in default when nothing matches', (t) => {
  t.deepEqual(read(config({}), 'quay.io/x'), {
    scope: 'built-in',
    file: undefined,
    url: BUILTIN,
    key: undefined,
  });
});

test('a default-docker without a URL for the direction falls to the built-in default', (t) => {
  const c = config({}, { 'lookaside-staging': 'W' });
  t.is(read(c, 'quay.io/x').url, BUILTIN);
  t.is(write(c, 'quay.io/x').url, 'W');
});

test('use-sigstore-attachments is resolved on its own, first scope that sets it', (t) => {
  const c = config(
    {
      'r.io/a/b': { lookaside: 'AB' },
      'r.io/a': { 'use-sigstore-attachments': false },
      'r.io': { 'use-sigstore-attachments': true, lookaside: 'R' },
    },
    { 'use-sigstore-attachments': true },
  );
  t.false(useSigstoreAttachmentsFor(c, parseNormalizedReference('r.io/a/b:1')).value);
  t.true(useSigstoreAttachmentsFor(c, parseNormalizedReference('r.io/x')).value);
  t.true(useSigstoreAttachmentsFor(c, parseNormalizedReference('q.io/x')).value);
  t.false(useSigstoreAttachmentsFor(config({}), parseNormalizedReference('q.io/x')).value);
});

test('signature base: URL path + "/" + repository path, as containers/image builds it', (t) => {
  const ref = parseNormalizedReference('reg.example.com:5000/ns/repo:1');
  t.is(signatureBaseFor('https://s.example/sigstore', ref), 'https://s.example/sigstore/ns/repo');
  t.is(signatureBaseFor('https://s.example/sigstore/', ref), 'https://s.example/sigstore//ns/repo');
  t.is(signatureBaseFor('file:///var/lib/s', ref), 'file:///var/lib/s/ns/repo');
  t.is(signatureBaseFor('http://s.example?x=1', ref), 'http://s.example/ns/repo?x=1');
  t.is(
    signatureBaseFor('https://s.example/sigstore', parseNormalizedReference('busybox')),
    'https://s.example/sigstore/library/busybox',
  );
});

test('signature base: unusable URLs are errors for the references using them', (t) => {
  const ref = parseNormalizedReference('r.io/x');
  t.throws(() => signatureBaseFor('http://h:port/x', ref), {
    message:
      'Invalid signature storage URL http://h:port/x: parse "http://h:port/x": invalid port ":port" after host',
  });
  t.throws(() => signatureBaseFor('ftp://h/x', ref), {
    message: 'Unsupported scheme when reading signature from ftp://h/x',
  });
  t.throws(() => signatureBaseFor('http://h/%zz', ref), { message: /invalid URL escape "%zz"/ });
  t.throws(() => signatureBaseFor('://h', ref), { message: /missing protocol scheme/ });
});

test('resolution: read and write may come from different scopes', (t) => {
  const r = resolveReference(rules, parseNormalizedReference('quay.io/ns/app:v1'), BUILTIN);
  t.deepEqual(r, {
    reference: 'quay.io/ns/app:v1',
    scope: 'quay.io/ns',
    file: '/d/quay.io/ns.yaml',
    lookaside: 'QUAY-NS',
    writeScope: 'quay.io/ns/app:v1',
    writeFile: '/d/quay.io/ns/app:v1.yaml',
    lookasideStaging: 'STAGING-ONLY',
    signatureBase: null,
    writeSignatureBase: null,
    useSigstoreAttachments: false,
    errors: [
      'Unsupported scheme when reading signature from QUAY-NS',
      'Unsupported scheme when reading signature from STAGING-ONLY',
    ],
  });
});

test("the built-in lookaside is containers/image's: the system store for root, the user's store otherwise", (t) => {
  t.is(builtinLookaside(0, '/srv/user-home'), 'file:///var/lib/containers/sigstore');
  t.is(builtinLookaside(1000, '/srv/user-home'), 'file:///srv/user-home/.local/share/containers/sigstore');
  t.is(builtinLookaside(), builtinLookaside(process.getuid?.() ?? 0, os.homedir()));
});
