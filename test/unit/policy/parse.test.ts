/** policy.json parsing: what containers/image accepts parses; everything else is an exact, located error. */
import test from 'ava';
import { parsePolicy, PolicyParseError, type Policy } from '../../../src/policy/index.js';

const json = (value: unknown) => JSON.stringify(value, null, 2);
const SIGNED_BY = { type: 'signedBy', keyType: 'GPGKeys', keyPath: '/k.gpg' };
const DEFAULT = { default: [{ type: 'reject' }] };

/** The message lines of a policy that must not parse. */
function errorsOf(text: string): string[] {
  const err = (() => {
    try {
      parsePolicy(text, 'p.json');
    } catch (e) {
      return e;
    }
    return undefined;
  })();
  if (!(err instanceof PolicyParseError)) throw new Error(`parsed: ${text}`);
  return err.message.split('\n');
}

test('a policy with every requirement and identity kind parses into maps of scopes', (t) => {
  const policy: Policy = parsePolicy(
    json({
      default: [{ type: 'insecureAcceptAnything' }],
      transports: {
        docker: {
          'reg.example.com/a': [{ type: 'reject' }],
          'reg.example.com/b': [{ ...SIGNED_BY, signedIdentity: { type: 'matchExact' } }],
          'reg.example.com/c': [
            {
              type: 'signedBy',
              keyType: 'GPGKeys',
              keyPaths: ['/1.gpg', '2.gpg'],
              signedIdentity: { type: 'matchRepoDigestOrExact' },
            },
          ],
          'reg.example.com/d': [
            {
              type: 'signedBy',
              keyType: 'X509Certificates',
              keyData: 'AAEC',
              signedIdentity: { type: 'matchRepository' },
            },
          ],
          'reg.example.com/e': [
            { ...SIGNED_BY, signedIdentity: { type: 'exactReference', dockerReference: 'r.io/x:1' } },
            { ...SIGNED_BY, signedIdentity: { type: 'exactRepository', dockerRepository: 'r.io/x' } },
            {
              ...SIGNED_BY,
              signedIdentity: {
                type: 'remapIdentity',
                prefix: 'mirror.local:5000/rh',
                signedPrefix: 'registry.redhat.io',
              },
            },
          ],
          'reg.example.com/f': [{ type: 'signedBaseLayer', baseLayerIdentity: { type: 'matchRepository' } }],
          'reg.example.com/g': [{ type: 'sigstoreSigned', keyPath: '/cosign.pub' }],
          '': [{ type: 'reject' }],
        },
        atomic: { 'whatever/you/like': [{ type: 'insecureAcceptAnything' }] },
      },
    }),
  );
  t.deepEqual(policy.default, [{ type: 'insecureAcceptAnything' }]);
  const docker = policy.transports.get('docker')!;
  t.deepEqual(
    [...docker.keys()],
    [
      'reg.example.com/a',
      'reg.example.com/b',
      'reg.example.com/c',
      'reg.example.com/d',
      'reg.example.com/e',
      'reg.example.com/f',
      'reg.example.com/g',
      '',
    ],
  );
  t.deepEqual(docker.get('reg.example.com/d'), [
    {
      type: 'signedBy',
      keyType: 'X509Certificates',
      keyData: 'AAEC',
      signedIdentity: { type: 'matchRepository' },
    },
  ]);
  t.deepEqual(docker.get('reg.example.com/e')![2], {
    ...SIGNED_BY,
    signedIdentity: {
      type: 'remapIdentity',
      prefix: 'mirror.local:5000/rh',
      signedPrefix: 'registry.redhat.io',
    },
  });
  t.deepEqual([...policy.transports.keys()], ['docker', 'atomic']);
});

test('transports is optional, and a scope named like an Object property is just a scope', (t) => {
  t.deepEqual(parsePolicy(json(DEFAULT)).transports, new Map());
  const policy = parsePolicy(
    json({ ...DEFAULT, transports: { docker: { constructor: [{ type: 'reject' }] } } }),
  );
  t.is(policy.transports.get('docker')!.get('toString'), undefined);
  t.deepEqual(policy.transports.get('docker')!.get('constructor'), [{ type: 'reject' }]);
});

const invalid: Array<[string, string, string[]]> = [
  [
    'not JSON',
    '{"default": [}',
    [`p.json: (top level): invalid JSON: Unexpected token '}', "{"default": [}" is not valid JSON`],
  ],
  ['not an object', '[]', ['p.json: (top level): expected an object']],
  ['no default', json({ transports: {} }), ['p.json: default: is required']],
  [
    'empty default',
    json({ default: [] }),
    ['p.json:2: default: list of verification policy requirements must not be empty'],
  ],
  [
    'empty scope list',
    json({ ...DEFAULT, transports: { docker: { 'r.io/a': [] } } }),
    ['p.json:9: transports.docker["r.io/a"]: list of verification policy requirements must not be empty'],
  ],
  ['unknown top-level key', json({ ...DEFAULT, defaults: [] }), ['p.json:7: defaults: unknown key']],
  [
    'duplicate key',
    '{\n  "default": [{"type": "reject"}],\n  "default": [{"type": "insecureAcceptAnything"}]\n}',
    ['p.json:3: default: duplicate key "default"'],
  ],
  [
    'duplicate scope',
    '{"default": [{"type": "reject"}],\n "transports": {"docker": {\n  "r.io/a": [{"type": "reject"}],\n  "r.io/a": [{"type": "reject"}]}}}',
    ['p.json:4: transports.docker["r.io/a"]: duplicate key "r.io/a"'],
  ],
  [
    'unknown requirement type',
    json({ default: [{ type: 'rejectAll' }] }),
    [
      'p.json:4: default[0].type: unknown policy requirement type "rejectAll" (one of insecureAcceptAnything, reject, signedBy, signedBaseLayer, sigstoreSigned)',
    ],
  ],
  [
    'requirement without type',
    json({ default: [{}] }),
    [
      'p.json:3: default[0].type: missing policy requirement type (one of insecureAcceptAnything, reject, signedBy, signedBaseLayer, sigstoreSigned)',
    ],
  ],
  [
    'extra key on reject',
    json({ default: [{ type: 'reject', why: 'x' }] }),
    ['p.json:5: default[0].why: unknown key'],
  ],
  [
    'signedBy keyType typo and key typo, both reported',
    json({ default: [{ type: 'signedBy', keyType: 'GPGKey', keyPth: '/k' }] }),
    [
      'p.json:5: default[0].keyType: unrecognized keyType value "GPGKey" (one of GPGKeys, signedByGPGKeys, X509Certificates, signedByX509CAs)',
      'p.json:6: default[0].keyPth: unknown key',
    ],
  ],
  [
    'signedBy without keyType',
    json({ default: [{ type: 'signedBy', keyPath: '/k' }] }),
    ['p.json:3: default[0].keyType: is required'],
  ],
  [
    'signedBy without keys',
    json({ default: [{ type: 'signedBy', keyType: 'GPGKeys' }] }),
    [
      'p.json:3: default[0]: exactly one of keyPath, keyPaths and keyData must be specified, none of them present',
    ],
  ],
  [
    'signedBy with two key sources',
    json({ default: [{ ...SIGNED_BY, keyData: 'AAEC' }] }),
    [
      'p.json:3: default[0]: exactly one of keyPath, keyPaths and keyData must be specified, more than one present',
    ],
  ],
  [
    'signedBy with an empty keyPath',
    json({ default: [{ ...SIGNED_BY, keyPath: '' }] }),
    ['p.json:6: default[0].keyPath: must not be empty'],
  ],
  [
    'keyPaths not a list',
    json({ default: [{ type: 'signedBy', keyType: 'GPGKeys', keyPaths: '/k' }] }),
    ['p.json:6: default[0].keyPaths: expected an array'],
  ],
  [
    'keyData not base64',
    json({ default: [{ type: 'signedBy', keyType: 'GPGKeys', keyData: 'not base64!' }] }),
    ['p.json:6: default[0].keyData: not valid base64'],
  ],
  [
    'unknown signedIdentity type',
    json({ default: [{ ...SIGNED_BY, signedIdentity: { type: 'matchAnything' } }] }),
    [
      'p.json:8: default[0].signedIdentity.type: unknown policy reference match type "matchAnything" (one of matchExact, matchRepoDigestOrExact, matchRepository, exactReference, exactRepository, remapIdentity)',
    ],
  ],
  [
    'exactReference without a tag or digest',
    json({
      default: [{ ...SIGNED_BY, signedIdentity: { type: 'exactReference', dockerReference: 'r.io/x' } }],
    }),
    [
      'p.json:9: default[0].signedIdentity.dockerReference: dockerReference r.io/x contains neither a tag nor digest',
    ],
  ],
  [
    'exactReference that is no reference',
    json({
      default: [{ ...SIGNED_BY, signedIdentity: { type: 'exactReference', dockerReference: 'R.io/X:1' } }],
    }),
    [
      'p.json:9: default[0].signedIdentity.dockerReference: invalid format of dockerReference R.io/X:1: invalid reference format: repository name must be lowercase',
    ],
  ],
  [
    'exactReference missing its field',
    json({ default: [{ ...SIGNED_BY, signedIdentity: { type: 'exactReference' } }] }),
    ['p.json:7: default[0].signedIdentity.dockerReference: is required'],
  ],
  [
    'exactRepository invalid',
    json({
      default: [
        { ...SIGNED_BY, signedIdentity: { type: 'exactRepository', dockerRepository: 'UPPER/case' } },
      ],
    }),
    [
      'p.json:9: default[0].signedIdentity.dockerRepository: invalid format of dockerRepository UPPER/case: invalid reference format: repository name must be lowercase',
    ],
  ],
  [
    'remapIdentity prefixes that are not registries or names starting with one',
    json({
      default: [
        {
          ...SIGNED_BY,
          signedIdentity: { type: 'remapIdentity', prefix: 'r.io/ns:tag', signedPrefix: 'r.io/' },
        },
      ],
    }),
    [
      'p.json:9: default[0].signedIdentity.prefix: prefix "r.io/ns:tag" is not valid',
      'p.json:10: default[0].signedIdentity.signedPrefix: prefix "r.io/" is not valid',
    ],
  ],
  [
    'signedBaseLayer without its identity',
    json({ default: [{ type: 'signedBaseLayer' }] }),
    ['p.json:3: default[0].baseLayerIdentity: is required'],
  ],
  [
    'sigstoreSigned with both key sources',
    json({ default: [{ type: 'sigstoreSigned', keyPath: '/k', keyData: 'AAEC' }] }),
    ['p.json:3: default[0]: keyPath and keyData cannot be used simultaneously'],
  ],
  [
    'sigstoreSigned with no key source',
    json({ default: [{ type: 'sigstoreSigned' }] }),
    ['p.json:3: default[0]: at least one of keyPath and keyData must be specified'],
  ],
  [
    'sigstoreSigned with fields newer than containers/image 5.23',
    json({ default: [{ type: 'sigstoreSigned', keyPath: '/k', fulcio: {} }] }),
    ['p.json:6: default[0].fulcio: unknown key'],
  ],
  [
    'transport scopes not an object',
    json({ ...DEFAULT, transports: { docker: [] } }),
    ['p.json:8: transports.docker: expected an object'],
  ],
];
for (const [title, text, expected] of invalid) {
  test(`rejects: ${title}`, (t) => {
    t.deepEqual(errorsOf(text), expected);
  });
}

test('without a file name, messages name policy.json; a bare scalar is no policy', (t) => {
  t.regex(t.throws(() => parsePolicy('{'))!.message, /^policy\.json: \(top level\): invalid JSON: /);
  for (const scalar of ['5', 'true', '"x"', 'null'])
    t.is(
      t.throws(() => parsePolicy(scalar))!.message,
      'policy.json: (top level): expected an object',
      scalar,
    );
  const keyPath = json({ default: [{ type: 'signedBy', keyType: 'GPGKeys', keyPath: 5 }] });
  t.is(t.throws(() => parsePolicy(keyPath))!.message, 'policy.json:6: default[0].keyPath: expected a string');
});

test('exactReference: a digest without a tag is enough', (t) => {
  const digest = `r.io/x@sha256:${'a'.repeat(64)}`;
  const identity = { type: 'exactReference', dockerReference: digest };
  t.notThrows(() => parsePolicy(json({ default: [{ ...SIGNED_BY, signedIdentity: identity }] }), 'p.json'));
});

test('keyData is standard padded base64: whole quads, then an optional xx== or xxx=', (t) => {
  const policy = (keyData: string) => json({ default: [{ type: 'sigstoreSigned', keyData }] });
  for (const good of ['', 'QUJD', 'QUI=', 'QQ==', 'QUJDRA==', 'a+/9', 'QUJDREU='])
    t.notThrows(() => parsePolicy(policy(good), 'p.json'), good);
  for (const bad of ['QUJ', 'Q===', 'Q=', '!!==', '!!!=', 'QUJDR', 'QQ=', 'QUJD=', 'QU-_'])
    t.deepEqual(errorsOf(policy(bad)), ['p.json:5: default[0].keyData: not valid base64'], bad);
});

test('the error carries the file and each issue separately', (t) => {
  const err = t.throws(
    () => parsePolicy(json({ default: [{ type: 'reject', x: 1, y: 2 }] }), '/etc/p.json'),
    {
      instanceOf: PolicyParseError,
    },
  );
  t.is(err.file, '/etc/p.json');
  t.deepEqual(err.issues, [
    { path: 'default[0].x', line: 5, message: 'unknown key' },
    { path: 'default[0].y', line: 6, message: 'unknown key' },
  ]);
});

test('nesting beyond any real policy is refused before it can exhaust the stack', (t) => {
  const deep = `{"default": ${'['.repeat(40)}${']'.repeat(40)}}`;
  t.deepEqual(errorsOf(deep), [`p.json:1: default${'[0]'.repeat(32)}: nested deeper than 32 levels`]);
});
