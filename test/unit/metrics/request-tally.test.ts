import test from 'ava';
import { createMetrics } from '../../../src/metrics.js';

const rows = async (metrics: ReturnType<typeof createMetrics>) =>
  (await metrics.registry.getSingleMetricAsString('sigmirror_api_requests_total'))
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .sort();

test('a route tally shows in the requests counter at every collection, counted once, beside inc()', async (t) => {
  const metrics = createMetrics(false);
  const count = metrics.tallyRequests('/sigstore/*');
  count('GET', 200);
  count('GET', 200);
  count('HEAD', 404);
  metrics.httpRequests.inc({ route: '/v1/images', method: 'GET', status: '200' });
  t.deepEqual(await rows(metrics), [
    'sigmirror_api_requests_total{route="/sigstore/*",method="GET",status="200"} 2',
    'sigmirror_api_requests_total{route="/sigstore/*",method="HEAD",status="404"} 1',
    'sigmirror_api_requests_total{route="/v1/images",method="GET",status="200"} 1',
  ]);
  // A second collection adds only what was counted since the first.
  count('GET', 200);
  t.deepEqual(await rows(metrics), [
    'sigmirror_api_requests_total{route="/sigstore/*",method="GET",status="200"} 3',
    'sigmirror_api_requests_total{route="/sigstore/*",method="HEAD",status="404"} 1',
    'sigmirror_api_requests_total{route="/v1/images",method="GET",status="200"} 1',
  ]);
  t.deepEqual(await rows(metrics), await rows(metrics));
});

test('two routes tally apart', async (t) => {
  const metrics = createMetrics(false);
  metrics.tallyRequests('/sigstore/*')('GET', 200);
  metrics.tallyRequests('/release-signatures/*')('GET', 200);
  t.deepEqual(await rows(metrics), [
    'sigmirror_api_requests_total{route="/release-signatures/*",method="GET",status="200"} 1',
    'sigmirror_api_requests_total{route="/sigstore/*",method="GET",status="200"} 1',
  ]);
});
