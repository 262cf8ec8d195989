/**
 * The simple-signing payload (src/signature/payload.ts), field by field: what is returned, and
 * each refusal with containers/image's reason (its message exact, the attacker's bytes not quoted).
 */
import test from 'ava';
import { parsePayload } from '../../../src/signature/payload.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const payload = (
  critical: Record<string, unknown> = {},
  top: Record<string, unknown> = {},
): Record<string, unknown> => ({
  critical: {
    type: 'atomic container signature',
    image: { 'docker-manifest-digest': DIGEST },
    identity: { 'docker-reference': 'quay.io/a/b:1' },
    ...critical,
  },
  ...top,
});
const parse = (value: unknown) => parsePayload(Buffer.from(JSON.stringify(value)));
const refusal = (value: unknown) =>
  t_throws(() => (typeof value === 'string' ? parsePayload(Buffer.from(value)) : parse(value)));
function t_throws(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return `${(err as Error).name}: ${(err as Error).message}`;
  }
  return 'no error';
}

test('a payload: its claims, the optional ones when present', (t) => {
  t.deepEqual(parse(payload()), {
    untrustedDockerManifestDigest: DIGEST,
    untrustedDockerReference: 'quay.io/a/b:1',
    untrustedCreator: undefined,
    untrustedTimestamp: undefined,
  });
  t.deepEqual(
    parse(payload({}, { optional: { creator: 'atomic 1.0', timestamp: 1554833664, other: 'kept out' } })),
    {
      untrustedDockerManifestDigest: DIGEST,
      untrustedDockerReference: 'quay.io/a/b:1',
      untrustedCreator: 'atomic 1.0',
      untrustedTimestamp: 1554833664,
    },
  );
  t.is(parse(payload({}, { optional: {} })).untrustedCreator, undefined);
  t.is(parse(payload({ identity: { 'docker-reference': 'busybox' } })).untrustedDockerReference, 'busybox');
});

test('refusals: JSON, objects, keys, type, digest, reference, optional fields', (t) => {
  const cases: Array<[unknown, string]> = [
    ['{"critical": ', 'PayloadError: payload is not JSON: Unexpected end of JSON input'],
    ['not json at all', "PayloadError: payload is not JSON: Unexpected token 'o'"],
    ['"text"', 'PayloadError: the signature payload is not a JSON object'],
    ['null', 'PayloadError: the signature payload is not a JSON object'],
    [{}, 'PayloadError: "critical" is not a JSON object'],
    [{ critical: [] }, 'PayloadError: "critical" is not a JSON object'],
    [{ critical: null }, 'PayloadError: "critical" is not a JSON object'],
    [payload({ extra: 1 }), 'PayloadError: unknown key "extra" in "critical"'],
    [{ critical: { image: {}, identity: {} } }, 'PayloadError: "critical" has no "type"'],
    [{ critical: { type: 'x', identity: {} } }, 'PayloadError: "critical" has no "image"'],
    [{ critical: { type: 'x', image: {} } }, 'PayloadError: "critical" has no "identity"'],
    [
      payload({ type: 'Atomic container signature' }),
      'PayloadError: unrecognized signature type "Atomic container signature"',
    ],
    [payload({ type: 1 }), 'PayloadError: unrecognized signature type 1'],
    [payload({ image: 'x' }), 'PayloadError: "critical.image" is not a JSON object'],
    [
      payload({ image: { 'docker-manifest-digest': DIGEST, x: 1 } }),
      'PayloadError: unknown key "x" in "critical.image"',
    ],
    [payload({ identity: [] }), 'PayloadError: "critical.identity" is not a JSON object'],
    [payload({ identity: {} }), 'PayloadError: "critical.identity" has no "docker-reference"'],
    [
      payload({ identity: { 'docker-reference': 'a', y: 2 } }),
      'PayloadError: unknown key "y" in "critical.identity"',
    ],
    [payload({ image: { 'docker-manifest-digest': 5 } }), 'PayloadError: invalid docker-manifest-digest 5'],
    [
      payload({ image: { 'docker-manifest-digest': `sha256:${'A'.repeat(64)}` } }),
      `PayloadError: invalid docker-manifest-digest "sha256:${'A'.repeat(64)}"`,
    ],
    [payload({ identity: { 'docker-reference': 5 } }), 'PayloadError: docker-reference is not a string'],
    [
      payload({ identity: { 'docker-reference': 'Upper/Case' } }),
      'PayloadError: Invalid docker reference Upper/Case in signature',
    ],
    [payload({}, { optional: 'x' }), 'PayloadError: "optional" is not a JSON object'],
    [payload({}, { optional: null }), 'PayloadError: "optional" is not a JSON object'],
    [payload({}, { optional: { creator: 1 } }), 'PayloadError: optional.creator is not a string'],
    [payload({}, { optional: { creator: null } }), 'PayloadError: optional.creator is not a string'],
    [payload({}, { optional: { timestamp: '1' } }), 'PayloadError: optional.timestamp is not an integer'],
    [payload({}, { optional: { timestamp: 1.5 } }), 'PayloadError: optional.timestamp is not an integer'],
  ];
  for (const [value, expected] of cases) t.is(refusal(value), expected, JSON.stringify(value));
});

test("the attacker's bytes are not quoted in a JSON error, even across lines", (t) => {
  const message = refusal('{"a": secret\nmore secret}');
  t.is(message, "PayloadError: payload is not JSON: Unexpected token 's'");
  t.is(
    refusal('[1, 2] tail'),
    'PayloadError: payload is not JSON: Unexpected non-whitespace character after JSON at position 7',
  );
});

test('a long input, which V8 quotes cut short with "...", is not quoted either', (t) => {
  t.is(refusal('xyzzyxyzzyxyzzyxyzzyxyzzy'), "PayloadError: payload is not JSON: Unexpected token 'x'");
});

test('a position in the JSON error is dropped whatever its length (newer V8 also adds a line and column)', (t) => {
  for (const spaces of [0, 12, 120])
    t.is(
      refusal(`{${' '.repeat(spaces)}x}`),
      "PayloadError: payload is not JSON: Expected property name or '}'",
      String(spaces),
    );
});
