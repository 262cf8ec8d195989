/**
 * The console in headless Debian Chromium (playwright-core): read it without a token (the default
 * auth.anonymousRead), sign in with a token, filter the images to unverified, open one, verify it
 * with a configured key (the real signature of containers/image's test image), see its status flip
 * to verified, re-import, log out and read on. The API is buildApi's, in process, over a seeded fs
 * store. Screenshots go to test/artifacts/.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { needs } from '../helpers/needs.js';
import { tokenHash } from '../../src/auth/index.js';
import { signatureMetadata } from '../../src/signature/index.js';
import { startApi } from '../helpers/api.js';
import { ARTIFACTS_DIR, launchChromium } from '../helpers/browser.js';
import { tempDir, writeTree } from '../helpers/tmp.js';
import { readVector, vectorsDir } from '../helpers/vectors.js';

const test = await needs({ redis: true, tools: ['chromium'] });

const TOKEN = 'console-e2e-token';
const DIGEST = 'sha256:20bf21ed457b390829cdbeec8795a7bea1626991fda603e0d01b4e7f60427e55';
const UNVERIFIED = { registry: 'docker.io', repository: 'testing/manifest', digest: DIGEST };
const VERIFIED = {
  registry: 'registry.example.com',
  repository: 'ns/app',
  digest: `sha256:${'a'.repeat(64)}`,
};
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

async function seededApi(t: Parameters<typeof startApi>[0]) {
  const dir = await tempDir(t);
  await writeTree(dir, {
    'tokens.yaml': `tokens:\n  - name: console-e2e\n    sha256: ${tokenHash(TOKEN)}\n    roles: [reader, importer, auditor]\n`,
  });
  const a = await startApi(t, {
    auth: { tokensFile: path.join(dir, 'tokens.yaml') },
    verify: { keys: { containers: `${vectorsDir}/containers-image/pubring.gpg` } },
  });
  const bytes = readVector('containers-image/dir-img-valid/signature-1');
  await a.store.append(
    UNVERIFIED,
    [
      {
        bytes,
        parsed: signatureMetadata(bytes, DIGEST),
        source: `https://sigstore.example.com/testing/manifest@sha256=${DIGEST.slice(7)}/signature-1`,
      },
    ],
    { origin: 'import', by: 'worker', lookaside: 'https://sigstore.example.com' },
  );
  await a.store.append(VERIFIED, [{ bytes: Buffer.from('a signature verified earlier') }], {
    origin: 'import',
  });
  await a.store.recordVerification(VERIFIED, 1, {
    at: '2026-11-24T09:00:00.000Z',
    by: 'cli:root',
    expectedIdentity: 'registry.example.com/ns/app:1',
    verdict: 'trusted',
    stage: null,
    reason: null,
    keyId: '199E2F91FD431D51',
  });
  return a;
}

function assertPng(t: Parameters<typeof startApi>[0], file: string) {
  const png = readFileSync(file);
  t.true(png.length > 10_000, `${file}: ${png.length} bytes`);
  t.deepEqual(png.subarray(0, 8), PNG_SIGNATURE, file);
}

test('read without a token, sign in, filter to unverified, open the image, verify it: its status flips to verified', async (t) => {
  const a = await seededApi(t);
  const browser = await launchChromium(t);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = []; // CSP violations and script errors land here
  page.on('console', (m) => void (['error', 'warning'].includes(m.type()) && problems.push(m.text())));
  page.on('pageerror', (err) => problems.push(err.message));

  await page.goto(`${a.base}/console`);
  t.is(page.url(), `${a.base}/console`, 'anonymous reads: no redirect to the login page');
  t.is(await page.textContent('#visitor'), 'read-only, not signed in');
  t.is(await page.textContent('#count-unverified .count'), '1');
  await Promise.all([page.waitForURL(`${a.base}/console/login?next=%2Fconsole`), page.click('#sign-in')]);
  await page.fill('#token', TOKEN);
  await Promise.all([page.waitForURL(`${a.base}/console`), page.click('#login button[type=submit]')]);
  t.is(await page.textContent('#count-verified .count'), '1');
  t.is(await page.textContent('#count-unverified .count'), '1');
  t.is(await page.evaluate("sessionStorage.getItem('sigmirror_token')"), TOKEN);
  t.like(
    (await context.cookies()).find((c) => c.name === 'sigmirror_console'),
    {
      value: TOKEN,
      path: '/console',
      sameSite: 'Strict',
      secure: false,
      httpOnly: false,
    },
  );
  const overviewPng = path.join(ARTIFACTS_DIR, 'console-overview.png');
  await page.screenshot({ path: overviewPng, fullPage: true });

  await Promise.all([page.waitForURL(`${a.base}/console/images`), page.click('nav >> text=Images')]);
  t.is(await page.locator('#images tbody tr').count(), 2);
  await page.selectOption('#filter-status', 'unverified');
  await Promise.all([page.waitForURL(/status=unverified/), page.click('#filters button[type=submit]')]);
  const reference = `docker.io/testing/manifest@${DIGEST}`;
  t.deepEqual(
    await page.$$eval('#images tbody tr', (rows) => rows.map((r) => r.getAttribute('data-reference'))),
    [reference],
  );
  await Promise.all([
    page.waitForURL(/\/console\/images\/docker\.io\/testing\/manifest@/),
    page.click('#images a'),
  ]);
  t.is(await page.textContent('#image-status .badge'), 'unverified');
  t.is(await page.textContent('#signature-1 .claim-identity'), 'testing/manifest:latest');
  t.is(await page.textContent('#signature-1 .label-unverified'), 'not verified');

  await page.selectOption('#verify-key', 'containers');
  await page.fill('#verify-identity', 'testing/manifest:latest');
  await page.click('#verify button[type=submit]');
  await page.waitForSelector('#image-status [data-status="verified"]'); // after the reload
  t.deepEqual(
    await page.$$eval('#signature-1 .records tbody tr:first-child td', (cells) =>
      cells.map((c) => c.textContent!.trim()),
    ),
    [
      (await page.getAttribute('#signature-1 .records time', 'datetime'))!
        .replace('T', ' ')
        .replace(/\.\d+Z$/, 'Z'),
      'console-e2e',
      '08CD26E446E2E95249B7A405E932F44B23E8DD43',
      'testing/manifest:latest',
      'trusted',
      '—',
    ],
  );
  const imagePng = path.join(ARTIFACTS_DIR, 'console-image.png');
  await page.screenshot({ path: imagePng, fullPage: true });

  // Re-import: enqueued with the token through POST /v1/imports (no worker runs here: it waits).
  await page.click('#reimport');
  await page.locator('#action-result', { hasText: /^import waiting$/ }).waitFor();
  t.is(await a.producer.depth(), 1);

  await Promise.all([page.waitForURL(`${a.base}/console`), page.click('nav >> text=Overview')]);
  t.is(await page.textContent('#count-verified .count'), '2');
  t.is(await page.textContent('#count-unverified .count'), '0');

  await Promise.all([page.waitForURL(/\/console\/login$/), page.click('#logout')]);
  t.is(
    (await context.cookies()).find((c) => c.name === 'sigmirror_console'),
    undefined,
  );
  await page.goto(`${a.base}/console/images`);
  t.is(page.url(), `${a.base}/console/images`);
  t.is(await page.textContent('#visitor'), 'read-only, not signed in');
  t.is(await page.locator('#images tbody tr').count(), 2);

  t.deepEqual(problems, []);
  assertPng(t, overviewPng);
  assertPng(t, imagePng);
});
