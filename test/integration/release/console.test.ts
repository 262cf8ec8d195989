/**
 * Releases in the web console: listed under "Releases" (the image listing of release keys) with
 * signature count and status, and a release page naming the CVO store URL, the ConfigMap and the
 * CVO-style verify command instead of the image actions.
 */
import { readFile } from 'node:fs/promises';
import { needs } from '../../helpers/needs.js';
import { releaseKey } from '../../../src/store/index.js';
import { TOKENS, startApi } from '../../helpers/api.js';

const test = await needs({ redis: true });

const HEX = '0da6316466d60a3a4535d5fed3589feb0391989982fba59d47d4c729912d6363';
const DIGEST = `sha256:${HEX}`;
const cookie = { cookie: `sigmirror_console=${encodeURIComponent(TOKENS.admin)}` };

test('the console lists releases and shows where the CVO reads them', async (t) => {
  const a = await startApi(t);
  const bytes = await readFile(
    new URL('../../fixtures/releases/ocp-4.15.0-x86_64-sig-0da63164.bin', import.meta.url),
  );
  await a.store.append(releaseKey(DIGEST), [{ bytes }], {
    origin: 'import',
    lookaside: 'https://mirror.openshift.com/pub/openshift-v4/signatures/openshift/release',
  });
  const list = await (
    await fetch(`${a.base}/console/images?registry=release-signatures`, { headers: cookie })
  ).text();
  t.regex(list, /<a href="\/console\/images\?registry=release-signatures"[^>]*>Releases<\/a>/);
  t.true(list.includes(`release-signatures/release@${DIGEST}`));
  const page = await fetch(`${a.base}/console/images/release-signatures/release@${DIGEST}`, {
    headers: cookie,
  });
  t.is(page.status, 200);
  const html = await page.text();
  t.true(html.includes(`<a href="/release-signatures/sha256=${HEX}/signature-1">/release-signatures</a>`));
  t.true(html.includes(`<a href="/v1/releases/${DIGEST}/configmap?format=yaml">sha256-${HEX}.yaml</a>`));
  t.true(html.includes(`sigmirror release verify ${DIGEST} --public-key KEY --save`));
  t.false(html.includes('id="reimport"'), 'no image re-import button on a release');
  t.true(html.includes('https://mirror.openshift.com/pub/openshift-v4/signatures/openshift/release'));
});
