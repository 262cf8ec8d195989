import test from 'ava';
import { parse } from 'yaml';
import {
  ConfigMapTooLargeError,
  MAX_CONFIGMAP_DATA_BYTES,
  releaseDigestOf,
  renderManifests,
  signatureConfigMap,
} from '../../../src/release/index.js';
import { configMapShape } from '../../helpers/kube-shapes.js';

const HEX = 'ab'.repeat(32);
const D = `sha256:${HEX}`;

test('the ConfigMap is the one library-go GetSignaturesAsConfigmap builds: name, namespace, label, keys -1…-N', (t) => {
  const map = signatureConfigMap(D, [Buffer.from('one'), Buffer.from([0xa3, 0x01, 0xff])]);
  t.deepEqual(map, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: `sha256-${HEX}`,
      namespace: 'openshift-config-managed',
      labels: { 'release.openshift.io/verification-signatures': '' },
    },
    binaryData: { [`sha256-${HEX}-1`]: 'b25l', [`sha256-${HEX}-2`]: 'owH/' },
  });
  t.notThrows(() => configMapShape.parse(map));
  t.deepEqual(signatureConfigMap(D, []).binaryData, {});
});

test('YAML and JSON renderings are byte-stable and read back to the same object', (t) => {
  const map = signatureConfigMap(D, [Buffer.from('x'.repeat(3000))]);
  const yaml = renderManifests([map], 'yaml');
  t.is(
    yaml.split('\n').slice(0, 8).join('\n'),
    [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      `  name: sha256-${HEX}`,
      '  namespace: openshift-config-managed',
      '  labels:',
      '    release.openshift.io/verification-signatures: ""',
      'binaryData:',
    ].join('\n'),
  );
  t.is(yaml.split('\n').length, 10, 'the base64 stays on one line');
  t.deepEqual(parse(yaml, { version: '1.1' }), map);
  t.is(renderManifests([map], 'json'), `${JSON.stringify(map, null, 2)}\n`);
  const two = renderManifests([map, map], 'yaml');
  t.is(two, `${yaml}---\n${yaml}`);
  t.like(JSON.parse(renderManifests([map, map], 'json')), { apiVersion: 'v1', kind: 'List' });
});

test('YAML 1.1 words and numbers are quoted, since kubectl reads YAML 1.1', (t) => {
  const yaml = renderManifests([{ a: 'yes', b: 'on', c: '0644', d: '1e3', e: 'plain' }], 'yaml');
  t.is(yaml, 'a: "yes"\nb: "on"\nc: "0644"\nd: "1e3"\ne: plain\n');
});

test('more than 1 MiB of signatures is refused with the reason (the API server would refuse it)', (t) => {
  const half = Buffer.alloc(MAX_CONFIGMAP_DATA_BYTES / 2 + 1);
  const err = t.throws(() => signatureConfigMap(D, [half, half]), { instanceOf: ConfigMapTooLargeError });
  t.is(err.message, `${D}: 2 signatures hold 1048578 bytes, more than the 1048576 a ConfigMap may hold`);
});

test('releases are named by digest or by pullspec@digest, nothing else', (t) => {
  t.is(releaseDigestOf(D), D);
  t.is(releaseDigestOf(`quay.io/openshift-release-dev/ocp-release@${D}`), D);
  t.is(releaseDigestOf(`quay.io/openshift-release-dev/ocp-release:4.15.0-x86_64@${D}`), D);
  t.throws(() => releaseDigestOf('quay.io/openshift-release-dev/ocp-release:4.15.0-x86_64'), {
    message:
      '"quay.io/openshift-release-dev/ocp-release:4.15.0-x86_64" names no release: give sha256:<64 hex> or <pullspec>@sha256:<64 hex>',
  });
  t.throws(() => releaseDigestOf(`sha256:${HEX.toUpperCase()}`), { name: 'ReleaseNameError' });
  t.throws(() => releaseDigestOf(`quay.io/x@sha512:${'a'.repeat(128)}`), {
    message: `"quay.io/x@sha512:${'a'.repeat(128)}": only sha256 release digests are supported`,
  });
  t.throws(() => releaseDigestOf('Quay.io/X@sha256:zz'), { name: 'ReleaseNameError' });
});
