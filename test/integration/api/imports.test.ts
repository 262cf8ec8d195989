import { needs } from '../../helpers/needs.js';
import { bearer, startApi } from '../../helpers/api.js';

const test = await needs({ redis: true });

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const post = (
  base: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = bearer('importer'),
) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

test('POST /v1/imports enqueues and GET /v1/imports/<id> reports the job', async (t) => {
  const api = await startApi(t);
  const r = await post(api.base, '/v1/imports', {
    references: [`registry.example.com/ns/app@${D1}`, `registry.example.com/ns/app@${D1}`],
  });
  t.is(r.status, 202);
  const { jobs } = (await r.json()) as { jobs: Array<{ id: string; deduplicated: boolean }> };
  t.deepEqual(
    jobs.map((j) => j.deduplicated),
    [false, true],
  );
  t.is(jobs[0]!.id, `import-${'1'.repeat(64)}-registry.example.com/ns/app`);
  const status = await fetch(`${api.base}/v1/imports/${encodeURIComponent(jobs[0]!.id)}`);
  t.deepEqual(await status.json(), {
    id: jobs[0]!.id,
    state: 'waiting',
    attempts: 0,
    error: null,
    result: null,
  });
  t.is((await fetch(`${api.base}/v1/imports/import-${'9'.repeat(64)}-x`)).status, 404);
});

test('POST /v1/imports validates every reference first and needs the importer role', async (t) => {
  const api = await startApi(t);
  t.is((await post(api.base, '/v1/imports', { references: [`r.io/a@${D1}`] }, bearer('reader'))).status, 403);
  t.is((await post(api.base, '/v1/imports', { references: [`r.io/a@${D1}`] }, {})).status, 401);
  const tag = await post(api.base, '/v1/imports', { references: [`r.io/a@${D1}`, 'r.io/a:latest'] });
  t.is(tag.status, 400);
  t.like(((await tag.json()) as { errors: unknown[] }).errors[0], {
    code: 'BAD_REQUEST',
    message: 'invalid reference "r.io/a:latest"',
  });
  t.is(await api.producer.queue.count(), 0);
  t.is((await post(api.base, '/v1/imports', { refs: [] })).status, 400);
});

const event = (action: string, mediaType: string, repository: string, digest: string) => ({
  action,
  target: { mediaType, digest, repository, size: 1 },
  request: { host: 'registry.internal:5000', method: 'PUT' },
});

test('registry notifications: manifest pushes become imports under the configured registry name', async (t) => {
  const api = await startApi(t, {
    notifications: { sources: { internal: { registry: 'registry.example.com' } } },
  });
  const envelope = {
    events: [
      event('push', 'application/vnd.oci.image.manifest.v1+json', 'ns/app', D1),
      event('push', 'application/vnd.oci.image.manifest.v1+json', 'ns/app', D1),
      event('push', 'application/vnd.oci.image.layer.v1.tar+gzip', 'ns/app', D2),
      event('pull', 'application/vnd.oci.image.manifest.v1+json', 'ns/app', D2),
    ],
  };
  const r = await post(api.base, '/v1/notifications/registry?source=internal', envelope);
  t.is(r.status, 200);
  t.deepEqual(await r.json(), { queued: 1 });
  const jobs = await api.producer.queue.getJobs(['waiting']);
  t.deepEqual(
    jobs.map((j) => [j.data.registry, j.data.repository, j.data.digest]),
    [['registry.example.com', 'ns/app', D1]],
  );
  t.is((await post(api.base, '/v1/notifications/registry?source=nope', envelope)).status, 400);
  t.is((await post(api.base, '/v1/notifications/registry', envelope, {})).status, 401);
  t.is((await post(api.base, '/v1/notifications/registry', { nope: 1 })).status, 400);
});
