import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { rootCertificates } from 'node:tls';
import test from 'ava';
import { Trust } from '../../../src/fetch/trust.js';
import { tempDir } from '../../helpers/tmp.js';

test('certs.d directories searched: host:port, and the bare host too on the default port', (t) => {
  const trust = new Trust(['/etc/a', '/etc/b'], []);
  t.deepEqual(trust.searchedDirs('h.example:443', true), [
    '/etc/a/h.example:443',
    '/etc/a/h.example',
    '/etc/b/h.example:443',
    '/etc/b/h.example',
  ]);
  t.deepEqual(trust.searchedDirs('h.example:8443', false), [
    '/etc/a/h.example:8443',
    '/etc/b/h.example:8443',
  ]);
  t.deepEqual(trust.searchedDirs('h.example', true), ['/etc/a/h.example', '/etc/b/h.example'], 'named once');
  t.deepEqual(trust.searchedDirs('h:1:2', true), [
    '/etc/a/h:1:2',
    '/etc/a/h:1',
    '/etc/b/h:1:2',
    '/etc/b/h:1',
  ]);
});

test("a host's CAs: Node's roots, the bundles that exist, then its *.crt files in name order", async (t) => {
  const dir = await tempDir(t);
  const certsD = path.join(dir, 'certs.d');
  await mkdir(path.join(certsD, 'h.example:443'), { recursive: true });
  await mkdir(path.join(certsD, 'h.example'), { recursive: true });
  await writeFile(path.join(certsD, 'h.example:443', 'b.crt'), 'B');
  await writeFile(path.join(certsD, 'h.example:443', 'a.crt'), 'A');
  await writeFile(path.join(certsD, 'h.example:443', 'client.key'), 'KEY');
  await writeFile(path.join(certsD, 'h.example:443', 'x.crt.bak'), 'BAK');
  await mkdir(path.join(certsD, 'h.example:443', 'dir.crt')); // unreadable as a file: skipped
  await writeFile(path.join(certsD, 'h.example', 'c.crt'), 'C');
  const bundle = path.join(dir, 'bundle.pem');
  await writeFile(bundle, 'SYSTEM');
  const trust = new Trust([certsD, path.join(dir, 'absent')], [path.join(dir, 'missing.pem'), bundle]);
  t.deepEqual(trust.bundlesPresent(), [bundle]);
  t.deepEqual(trust.systemCa(), [...rootCertificates, 'SYSTEM']);
  t.deepEqual(trust.caFor('h.example:443', true), [...rootCertificates, 'SYSTEM', 'A', 'B', 'C']);
  t.deepEqual(trust.caFor('h.example:443', false), [...rootCertificates, 'SYSTEM', 'A', 'B']);
});
