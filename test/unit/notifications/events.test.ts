import test from 'ava';
import { envelopeSchema, manifestPushes } from '../../../src/notifications/index.js';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const event = (
  action: string,
  mediaType: string,
  repository: string,
  digest: string,
  host = 'registry.internal:5000',
) => ({
  id: 'x',
  timestamp: '2026-11-25T00:00:00Z',
  action,
  target: {
    mediaType,
    size: 1,
    digest,
    length: 1,
    repository,
    url: `http://${host}/v2/${repository}/manifests/${digest}`,
    tag: 'v1',
  },
  request: { id: 'r', addr: '127.0.0.1:1', host, method: 'PUT', useragent: 'skopeo' },
  actor: {},
  source: { addr: 'reg:5000', instanceID: 'i' },
});

test('only pushes of manifests count; blobs, pulls, deletes and junk are ignored; bursts dedupe', (t) => {
  const envelope = envelopeSchema.parse({
    events: [
      event('push', 'application/octet-stream', 'team/app', `sha256:${'b'.repeat(64)}`),
      event('push', 'application/vnd.oci.image.manifest.v1+json', 'team/app', D1),
      event('push', 'application/vnd.oci.image.manifest.v1+json', 'team/app', D1),
      event('pull', 'application/vnd.oci.image.manifest.v1+json', 'team/app', D2),
      event('delete', 'application/vnd.docker.distribution.manifest.v2+json', 'team/app', D2),
      event('push', 'application/vnd.docker.distribution.manifest.list.v2+json', 'team/multi', D2),
      { action: 'push' },
      'not an object',
      event('push', 'application/vnd.docker.image.rootfs.diff.tar.gzip', 'team/app', D2),
    ],
  });
  t.deepEqual(manifestPushes(envelope), [
    { repository: 'team/app', digest: D1, requestHost: 'registry.internal:5000' },
    { repository: 'team/multi', digest: D2, requestHost: 'registry.internal:5000' },
  ]);
});

test('an envelope without events fails the schema', (t) => {
  t.false(envelopeSchema.safeParse({ foo: 1 }).success);
  t.false(envelopeSchema.safeParse([]).success);
});
