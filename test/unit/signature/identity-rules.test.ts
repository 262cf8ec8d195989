/**
 * Identity rules at their edges (src/signature/identity.ts): references without tag or digest,
 * unparsable signed references, remapIdentity's prefix boundaries and canonical check, and the
 * rejection texts of the standalone and policy rules.
 */
import test from 'ava';
import { parseNormalizedReference, referenceString } from '../../../src/reference/index.js';
import {
  expectedIdentityRule,
  identityMatches,
  policyIdentityRule,
  remap,
} from '../../../src/signature/identity.js';

const D = `sha256:${'a'.repeat(64)}`;
const ref = parseNormalizedReference;
const remapped = (image: string, prefix: string, signedPrefix: string) => {
  const r = remap(ref(image), prefix, signedPrefix);
  return r && referenceString(r);
};

test('a name without tag or digest matches no exact rule, on either side', (t) => {
  t.false(identityMatches({ type: 'matchExact' }, ref('r.io/a'), 'r.io/a'));
  t.false(identityMatches({ type: 'matchExact' }, ref('r.io/a:1'), 'r.io/a'));
  t.false(identityMatches({ type: 'matchExact' }, ref('r.io/a'), 'r.io/a:1'));
  t.false(identityMatches({ type: 'matchRepoDigestOrExact' }, ref('r.io/a:1'), 'r.io/a'));
  t.false(identityMatches({ type: 'matchRepoDigestOrExact' }, ref(`r.io/a@${D}`), 'r.io/a'));
  t.false(identityMatches({ type: 'matchRepoDigestOrExact' }, ref('r.io/a'), 'r.io/a:1'));
  t.true(identityMatches({ type: 'matchRepository' }, ref('r.io/a'), 'r.io/a'));
  t.false(identityMatches({ type: 'exactReference', dockerReference: 'r.io/a' }, ref('x.io/y:1'), 'r.io/a'));
  t.false(
    identityMatches({ type: 'exactReference', dockerReference: 'r.io/a:1' }, ref('x.io/y:1'), 'r.io/a'),
  );
  t.true(identityMatches({ type: 'exactRepository', dockerRepository: 'r.io/a' }, ref('x.io/y:1'), 'r.io/a'));
  // A tagged image and a signature with tag and digest: the strings differ, no match.
  t.false(identityMatches({ type: 'matchExact' }, ref('r.io/a:1'), `r.io/a:1@${D}`));
  t.true(identityMatches({ type: 'matchRepoDigestOrExact' }, ref(`r.io/a@${D}`), `r.io/a:1@${D}`));
});

test('an unparsable signed reference matches nothing', (t) => {
  for (const rule of [
    { type: 'matchExact' },
    { type: 'matchRepository' },
    { type: 'exactRepository', dockerRepository: 'r.io/a' },
  ] as const)
    t.false(identityMatches(rule, ref('r.io/a:1'), 'R.io/A:1'), rule.type);
});

test('remapIdentity: the prefix on a component boundary only; the result must be canonical', (t) => {
  t.is(remapped('mirror.io/rh/app:1', 'mirror.io/rh', 'registry.redhat.io'), 'registry.redhat.io/app:1');
  t.is(remapped('mirror.io/rh:1', 'mirror.io/rh', 'r.io/x'), 'r.io/x:1');
  t.is(remapped(`mirror.io/rh@${D}`, 'mirror.io/rh', 'r.io/x'), `r.io/x@${D}`);
  t.is(remapped('mirror.io/rh', 'mirror.io/rh', 'r.io/x'), 'r.io/x');
  // Not on a boundary, or no prefix at all: the image unchanged.
  t.is(remapped('mirror.io/rhel/app:1', 'mirror.io/rh', 'r.io'), 'mirror.io/rhel/app:1');
  t.is(remapped('mirror.io/r:1', 'mirror.io/rh', 'r.io'), 'mirror.io/r:1');
  t.is(remapped('other.io/rh/app:1', 'mirror.io/rh', 'r.io'), 'other.io/rh/app:1');
  // Rewritten into a reference that is not canonical (Hub short names) or not valid: undefined.
  t.is(remapped('mirror.io/rh/app:1', 'mirror.io/rh', 'busybox'), undefined);
  t.is(remapped('mirror.io/rh/app:1', 'mirror.io/rh', 'UPPER'), undefined);
  t.false(
    identityMatches(
      { type: 'remapIdentity', prefix: 'mirror.io/rh', signedPrefix: 'UPPER' },
      ref('mirror.io/rh/app:1'),
      'mirror.io/rh/app:1',
    ),
  );
  t.true(
    identityMatches(
      { type: 'remapIdentity', prefix: 'mirror.io/rh', signedPrefix: 'r.io' },
      ref('mirror.io/rh/app:1'),
      'r.io/app:1',
    ),
  );
  t.true(
    identityMatches(
      { type: 'remapIdentity', prefix: 'mirror.io/rh', signedPrefix: 'r.io' },
      ref('other.io/app:1'),
      'other.io/app:1',
    ),
  );
});

test('rule texts: standalone verify compares normalised references; the policy rule words a refusal', (t) => {
  const rule = expectedIdentityRule('testing/manifest:latest');
  t.is(rule('docker.io/testing/manifest:latest'), undefined);
  t.is(rule('testing/manifest:latest'), undefined);
  t.is(
    rule('testing/manifest:other'),
    'Docker reference testing/manifest:other does not match testing/manifest:latest',
  );
  t.is(rule('NOT VALID'), 'Docker reference NOT VALID does not match testing/manifest:latest');
  const policy = policyIdentityRule({ type: 'matchExact' }, ref('r.io/a:1'));
  t.is(policy('r.io/a:1'), undefined);
  t.is(policy('r.io/a:2'), 'Signature for identity r.io/a:2 is not accepted');
});

test('remapIdentity: a prefix longer than the image, or as long but different, does not apply', (t) => {
  for (const prefix of ['r.io/a/b/c', 'r.io/b:1']) {
    const rule = { type: 'remapIdentity', prefix, signedPrefix: 'docker.io/x' } as const;
    t.true(identityMatches(rule, ref('r.io/a:1'), 'r.io/a:1'), prefix);
  }
});
