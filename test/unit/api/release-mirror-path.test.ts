import test from 'ava';
import { parseReleasePath as parseReleaseMirrorPath } from '../../../src/lookaside/index.js';
import { MAX_SIGNATURE_INDEX } from '../../../src/limits.js';

const HEX = 'c'.repeat(64);

test('release mirror paths: sha256=<hex>/signature-N only', (t) => {
  t.deepEqual(parseReleaseMirrorPath(`sha256=${HEX}/signature-1`), { digest: `sha256:${HEX}`, index: 1 });
  t.deepEqual(parseReleaseMirrorPath(`sha256=${HEX}/signature-${MAX_SIGNATURE_INDEX}`), {
    digest: `sha256:${HEX}`,
    index: MAX_SIGNATURE_INDEX,
  });
  for (const bad of [
    `sha256=${HEX}/signature-${MAX_SIGNATURE_INDEX + 1}`,
    `sha256=${HEX}/signature-1025`,
    `sha256=${HEX}/signature-0`,
    `sha256=${HEX}/signature-01`,
    `sha256:${HEX}/signature-1`,
    `sha256=${HEX.toUpperCase()}/signature-1`,
    `sha256=${HEX}/signature-1/`,
    `x/sha256=${HEX}/signature-1`,
    `sha256=${HEX}/../signature-1`,
    `sha256=${HEX}%2fsignature-1`,
    '',
  ])
    t.is(parseReleaseMirrorPath(bad), undefined, bad);
});
