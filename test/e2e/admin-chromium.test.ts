/**
 * The admin dashboard in headless Debian Chromium (playwright-core): the real import worker fails
 * an import (startApi's registries.d sends registry.example.com to http://127.0.0.1:1, which
 * refuses connections; one attempt allowed); an admin signs in, sees the failure on the status
 * page and on the import queue's page, retries it, and sees the failed count drop and the waiting
 * count rise. The API is buildApi's, in process. Screenshot: test/artifacts/admin.png.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type ExecutionContext } from 'ava';
import { needs } from '../helpers/needs.js';
import { pino } from 'pino';
import { startImportWorker } from '../../workers/import.js';
import { AgentPool, HostLimiter } from '../../src/fetch/index.js';
import type { ImportProducer } from '../../src/queue/index.js';
import { RegistriesWatcher } from '../../src/registries/index.js';
import type { SignatureStore } from '../../src/store/index.js';
import { TOKENS, startApi } from '../helpers/api.js';
import { ARTIFACTS_DIR, launchChromium } from '../helpers/browser.js';
import { TEST_REDIS_URL } from '../helpers/redis.js';

const test = await needs({ redis: true, tools: ['chromium'] });

/** An image of the registry startApi's registries.d sends to a closed port. */
const REFUSED = {
  registry: 'registry.example.com',
  repository: 'ns/app',
  digest: `sha256:${'c'.repeat(64)}`,
};
const JOB_ID = `import-${'c'.repeat(64)}-registry.example.com/ns/app`;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Runs the real import worker until the import of REFUSED failed, then stops it. */
async function failRefusedImport(
  t: ExecutionContext,
  a: { prefix: string; producer: ImportProducer; store: SignatureStore },
  registries: RegistriesWatcher,
): Promise<string> {
  const agents = new AgentPool([], 1_000);
  t.teardown(() => agents.close());
  const worker = startImportWorker({
    redisUrl: TEST_REDIS_URL,
    prefix: a.prefix,
    concurrency: 1,
    lockDurationMs: 5_000,
    recheckDelaysMs: [],
    producer: a.producer,
    logger: pino({ level: 'silent' }),
    deps: {
      registries: () => registries.current().config,
      store: a.store,
      agents,
      hosts: new HostLimiter(),
      limits: { maxSignatures: 128, maxSignatureBytes: 4 * 1024 * 1024, timeoutMs: 1_000 },
      treat403AsMissing: new Set(),
    },
  });
  const failed = new Promise<string>((resolve) =>
    worker.worker.on('failed', (_job, err) => resolve(err.message)),
  );
  await a.producer.enqueue(REFUSED);
  const reason = await failed;
  await worker.close();
  return reason;
}

test('an admin sees a failed import on the dashboard, retries it, and the counts change', async (t) => {
  const a = await startApi(t);
  // The worker's own view of startApi's registries.d (as the daemon's worker has).
  const registries = new RegistriesWatcher({ dir: path.join(a.dir, 'rd'), pollIntervalMs: 0 });
  await registries.start();
  t.teardown(() => registries.close());
  const reason = await failRefusedImport(t, a, registries);
  t.is((await a.producer.status(JOB_ID))?.state, 'failed');

  const browser = await launchChromium(t);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = []; // CSP violations and script errors land here
  page.on('console', (m) => void (['error', 'warning'].includes(m.type()) && problems.push(m.text())));
  page.on('pageerror', (err) => problems.push(err.message));

  await page.goto(`${a.base}/admin`);
  t.is(page.url(), `${a.base}/admin/login?next=%2Fadmin`);
  await page.fill('#token', TOKENS.admin);
  await Promise.all([page.waitForURL(`${a.base}/admin`), page.click('#login button[type=submit]')]);
  t.like(
    (await context.cookies()).find((c) => c.name === 'sigmirror_admin'),
    { value: TOKENS.admin, path: '/admin', sameSite: 'Strict', secure: false, httpOnly: false },
  );
  t.is(await page.textContent('#queue-import [data-state="failed"]'), '1');
  t.is(await page.textContent('#recent-failures tbody td.error'), reason);
  t.is(await page.textContent('#registries-error'), 'none');

  await Promise.all([
    page.waitForURL(`${a.base}/admin/queues/import`),
    page.click('#admin-nav >> text=Queue: import'),
  ]);
  t.is(await page.textContent('#count-failed .count'), '1');
  t.is(await page.textContent('#count-waiting .count'), '0');
  const row = page.locator(`#jobs-failed tr[data-job-id="${JOB_ID}"]`);
  t.is(await row.locator('.failed-reason').textContent(), reason);
  const screenshot = path.join(ARTIFACTS_DIR, 'admin.png');
  await page.screenshot({ path: screenshot, fullPage: true });

  // Retry: POST /v1/admin/… with the token (no worker runs now: the job waits), then a reload.
  await row.locator('button[data-action="retry"]').click();
  await page.locator('#count-failed .count', { hasText: /^0$/ }).waitFor();
  t.is(await page.textContent('#count-waiting .count'), '1');
  t.is(await page.getAttribute('#jobs-waiting tbody tr', 'data-job-id'), JOB_ID);
  t.is(await page.textContent('#jobs-failed'), 'none');
  t.like(await a.producer.status(JOB_ID), { state: 'waiting', attempts: 0 });

  await Promise.all([page.waitForURL(/\/admin\/login$/), page.click('#logout')]);
  t.is(
    (await context.cookies()).find((c) => c.name === 'sigmirror_admin'),
    undefined,
  );
  t.deepEqual(problems, []);
  const png = readFileSync(screenshot);
  t.true(png.length > 10_000, `${screenshot}: ${png.length} bytes`);
  t.deepEqual(png.subarray(0, 8), PNG_SIGNATURE);
});
