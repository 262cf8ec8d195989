/** Which section decides: containers/image's order, first present wins. */
import test from 'ava';
import { parsePolicy, requirementsFor } from '../../../src/policy/index.js';
import { parseNormalizedReference } from '../../../src/reference/index.js';

const D = `sha256:${'d'.repeat(64)}`;

/** A policy with the given docker scopes; each list names its section in keyPath, so tests can tell them apart. */
function policyWith(scopes: string[]) {
  const marker = (name: string) => [{ type: 'signedBy', keyType: 'GPGKeys', keyPath: `scope:${name}` }];
  return parsePolicy(
    JSON.stringify({
      default: marker('default'),
      transports: { docker: Object.fromEntries(scopes.map((s) => [s, marker(s)])) },
    }),
  );
}

const decided = (scopes: string[], reference: string) => {
  const d = requirementsFor(policyWith(scopes), parseNormalizedReference(reference));
  const first = d.requirements[0];
  return {
    section: d.section,
    scope: d.scope,
    marker: first?.type === 'signedBy' ? first.keyPath : undefined,
  };
};

const ALL = [
  `reg.example.com:5000/ns/app@${D}`,
  'reg.example.com:5000/ns/app:v1',
  'reg.example.com:5000/ns/app',
  'reg.example.com:5000/ns',
  'reg.example.com:5000',
  'reg.example.com',
  '*.example.com',
  '*.com',
  '',
];

// [present scopes, reference, expected deciding scope (undefined = default)]
const rows: Array<[string, string[], string, string | undefined]> = [
  [
    'the digest identity beats everything',
    ALL,
    `reg.example.com:5000/ns/app@${D}`,
    `reg.example.com:5000/ns/app@${D}`,
  ],
  [
    'the tag identity beats everything',
    ALL,
    'reg.example.com:5000/ns/app:v1',
    'reg.example.com:5000/ns/app:v1',
  ],
  [
    'another tag falls to the repository',
    ALL,
    'reg.example.com:5000/ns/app:v2',
    'reg.example.com:5000/ns/app',
  ],
  [
    'a sibling repository falls to the namespace',
    ALL,
    'reg.example.com:5000/ns/other:v1',
    'reg.example.com:5000/ns',
  ],
  ['another namespace falls to host:port', ALL, 'reg.example.com:5000/other/x:v1', 'reg.example.com:5000'],
  [
    'the host without port is never a candidate',
    ALL.slice(5),
    'reg.example.com:5000/ns/app:v1',
    '*.example.com',
  ],
  [
    'the host is a candidate when the reference has no port',
    ALL,
    'reg.example.com/ns/app:v1',
    'reg.example.com',
  ],
  ['wildcards: the longest first', ALL.slice(6), 'a.b.example.com/x:1', '*.example.com'],
  ['wildcards: then shorter ones', ['*.com', ''], 'a.b.example.com/x:1', '*.com'],
  ['a wildcard does not match the bare domain it names', ['*.example.com', ''], 'example.com/x:1', ''],
  ['then the transport default', [''], 'quay.io/x/y:1', ''],
  ['then default', ['quay.io/other'], 'quay.io/x/y:1', undefined],
  ['short names are normalised first', ['docker.io/library'], 'busybox:1', 'docker.io/library'],
  [
    'a parent scope is no prefix match',
    ['reg.example.com:5000/n'],
    'reg.example.com:5000/ns/app:v1',
    undefined,
  ],
  ['IP hosts get wildcard candidates too', ['*.0.1'], '127.0.0.1:5000/app:v1', '*.0.1'],
];
for (const [title, scopes, reference, want] of rows) {
  test(`scope order: ${title}`, (t) => {
    t.deepEqual(decided(scopes, reference), {
      section: want === undefined ? 'default' : `transports.docker[${JSON.stringify(want)}]`,
      scope: want,
      marker: `scope:${want ?? 'default'}`,
    });
  });
}

test('the scopes tried are listed in order up to the one that matched', (t) => {
  const d = requirementsFor(policyWith(['']), parseNormalizedReference('reg.example.com:5000/ns/app:v1'));
  t.deepEqual(d.tried, [
    'reg.example.com:5000/ns/app:v1',
    'reg.example.com:5000/ns/app',
    'reg.example.com:5000/ns',
    'reg.example.com:5000',
    '*.example.com',
    '*.com',
    '',
  ]);
});

test('without a docker transport only default applies, and nothing is tried', (t) => {
  const policy = parsePolicy(
    JSON.stringify({
      default: [{ type: 'reject' }],
      transports: { atomic: { '': [{ type: 'insecureAcceptAnything' }] } },
    }),
  );
  t.deepEqual(requirementsFor(policy, parseNormalizedReference('r.io/x:1')), {
    section: 'default',
    scope: undefined,
    tried: [],
    requirements: [{ type: 'reject' }],
  });
});
