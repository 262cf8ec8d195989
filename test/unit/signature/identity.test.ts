import test from 'ava';
import { parseNormalizedReference } from '../../../src/reference/index.js';
import { identityMatches, type SignedIdentity } from '../../../src/signature/index.js';

const D = `sha256:${'a'.repeat(64)}`;
const E = `sha256:${'e'.repeat(64)}`;
type Row = [SignedIdentity, string, string, boolean];

const rows: Row[] = [
  [{ type: 'matchExact' }, 'r.io/ns/app:v1', 'r.io/ns/app:v1', true],
  [{ type: 'matchExact' }, 'r.io/ns/app:v1', 'r.io/ns/app:v2', false],
  [{ type: 'matchExact' }, `r.io/ns/app@${D}`, `r.io/ns/app@${D}`, true],
  [{ type: 'matchExact' }, `r.io/ns/app@${D}`, 'r.io/ns/app:v1', false],
  [{ type: 'matchExact' }, 'busybox:1', 'docker.io/library/busybox:1', true],
  [{ type: 'matchRepoDigestOrExact' }, 'r.io/ns/app:v1', 'r.io/ns/app:v1', true],
  [{ type: 'matchRepoDigestOrExact' }, 'r.io/ns/app:v1', 'r.io/ns/app:v2', false],
  [{ type: 'matchRepoDigestOrExact' }, `r.io/ns/app@${D}`, 'r.io/ns/app:anything', true],
  [{ type: 'matchRepoDigestOrExact' }, `r.io/ns/app@${D}`, 'r.io/ns/other:v1', false],
  [{ type: 'matchRepoDigestOrExact' }, 'testing/manifest:latest', 'testing/manifest:latest', true],
  [{ type: 'matchRepoDigestOrExact' }, 'testing/manifest:notlatest', 'testing/manifest:latest', false],
  [{ type: 'matchRepository' }, 'r.io/ns/app:v1', 'r.io/ns/app:v9', true],
  [{ type: 'matchRepository' }, `r.io/ns/app@${D}`, `r.io/ns/app@${E}`, true],
  [{ type: 'matchRepository' }, 'r.io/ns/app:v1', 'r.io/ns/app2:v1', false],
  [{ type: 'exactReference', dockerReference: 'r.io/ns/app:v1' }, 'mirror.io/x:y', 'r.io/ns/app:v1', true],
  [{ type: 'exactReference', dockerReference: 'r.io/ns/app:v1' }, 'mirror.io/x:y', 'r.io/ns/app:v2', false],
  [{ type: 'exactRepository', dockerRepository: 'r.io/ns/app' }, 'mirror.io/x:y', 'r.io/ns/app:v7', true],
  [{ type: 'exactRepository', dockerRepository: 'r.io/ns/app' }, 'mirror.io/x:y', 'r.io/ns/other:v7', false],
  [
    { type: 'remapIdentity', prefix: 'mirror.local/rh', signedPrefix: 'registry.redhat.io' },
    'mirror.local/rh/ubi9/ubi:9.4',
    'registry.redhat.io/ubi9/ubi:9.4',
    true,
  ],
  [
    { type: 'remapIdentity', prefix: 'mirror.local/rh', signedPrefix: 'registry.redhat.io' },
    `mirror.local/rh/ubi9/ubi@${D}`,
    'registry.redhat.io/ubi9/ubi:9.4',
    true,
  ],
  [
    { type: 'remapIdentity', prefix: 'mirror.local/rh', signedPrefix: 'registry.redhat.io' },
    'mirror.local/rhx/ubi:1',
    'registry.redhat.iox/ubi:1',
    false,
  ],
  [
    { type: 'remapIdentity', prefix: 'mirror.local/rh', signedPrefix: 'registry.redhat.io' },
    'other.local/rh/ubi:1',
    'registry.redhat.io/ubi:1',
    false,
  ],
  [{ type: 'matchRepoDigestOrExact' }, 'r.io/ns/app:v1', 'UPPERCASEISINVALID', false],
];
for (const [rule, image, signed, expected] of rows) {
  test(`${rule.type}: image ${image.replace(/[a-e]{64}/, '<hex>')} signed ${signed.replace(/[a-e]{64}/, '<hex>')} → ${expected}`, (t) => {
    t.is(identityMatches(rule, parseNormalizedReference(image), signed), expected);
  });
}
