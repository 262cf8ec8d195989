/**
 * Upstreams that lie (issue: hostile input). A real HTTP(S) server on 127.0.0.1 answers
 * signature-1 with a real signature and signature-2 with something hostile; a real worker imports
 * through a real Redis into a real fs store. For each case: exactly what the store holds
 * afterwards, what the job reports, and what an operator sees in the log.
 */
import { gzipSync } from 'node:zlib';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { type ExecutionContext } from 'ava';
import { needs } from '../../helpers/needs.js';
import { capturingLogger } from '../../helpers/log-capture.js';
import { REGISTRY, startPipeline, type PipelineOptions } from '../../helpers/pipeline.js';
import { armored } from '../../helpers/synthetic-signature.js';
import { tempDir, writeTree } from '../../helpers/tmp.js';
import {
  bytesHandler,
  makeCertificates,
  startUpstream,
  type Handler,
  type Upstream,
} from '../../helpers/upstream.js';
import { readVector } from '../../helpers/vectors.js';
import { waitFor } from '../../helpers/wait.js';

const test = await needs({ redis: true });

const HEX = '5'.repeat(64);
const IMAGE = { registry: REGISTRY, repository: 'ns/app', digest: `sha256:${HEX}` };
const SIG1 = Buffer.from(readVector('containers-image/image.signature'));
const SIG2 = Buffer.from(readVector('containers-image/no-optional-fields.signature'));
const sigPath = (n: number) => `/ns/app@sha256=${HEX}/signature-${n}`;
const html = '<!DOCTYPE html><html><body>Not Found</body></html>';

/** Imports IMAGE once from an upstream whose signature-2 is `second`; returns what happened. */
async function importWith(
  t: ExecutionContext,
  second: Handler,
  options: Partial<PipelineOptions> & { up?: Upstream } = {},
) {
  const up = options.up ?? (await startUpstream(t));
  up.routes.set(sigPath(1), bytesHandler(SIG1));
  up.routes.set(sigPath(2), second);
  const log = capturingLogger('warn');
  const p = await startPipeline(t, { upstreamBase: up.base, attempts: 1, logger: log.logger, ...options });
  const { id } = await p.producer.enqueue(IMAGE);
  const status = await waitFor('the import to end', async () => {
    const s = await p.producer.status(id);
    return s && (s.state === 'completed' || s.state === 'failed') ? s : undefined;
  });
  const dir = path.join(p.dir, 'store', REGISTRY, `ns/app@sha256=${HEX}`);
  const files = await readdir(dir).catch(() => [] as string[]);
  const stored = await Promise.all(files.sort().map((f) => readFile(path.join(dir, f))));
  const events = (await p.metrics.registry.getSingleMetricAsString('sigmirror_fetch_events_total')) ?? '';
  return { up, status, files: files.sort(), stored, log: log.lines(), events };
}

/** Bodies that are not signatures: each ends the list as a soft-404 and is never stored. */
const NOT_SIGNATURES: Array<[string, Buffer, Record<string, string>?]> = [
  [
    'an HTML soft-404 after a UTF-8 BOM',
    Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(html)]),
    { 'content-type': 'text/html' },
  ],
  [
    'UTF-16 text (ff fe)',
    Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('N\0o\0t\0 \0F\0o\0u\0n\0d\0')]),
  ],
  [
    'junk behind a packet-like first byte (c4 6a junk…)',
    Buffer.from('c46a756e6b206a756e6b206a756e6b', 'hex'),
  ],
  ['junk behind an old-format header (a3 01 …)', Buffer.from('\xa3\x01not a signature at all', 'latin1')],
  [
    'a JSON error',
    Buffer.from('{"errors":[{"code":"NOT_FOUND","message":"no such key"}]}'),
    { 'content-type': 'application/json' },
  ],
  ['plain-text "Not Found"', Buffer.from('Not Found\n'), { 'content-type': 'text/plain' }],
  ['gzip-encoded HTML', gzipSync(html), { 'content-type': 'text/html', 'content-encoding': 'gzip' }],
  ['an empty 200', Buffer.alloc(0)],
  [
    'armored text that decodes to nothing',
    Buffer.from('-----BEGIN PGP MESSAGE-----\n\nAAAA\n=AAAA\n-----END PGP MESSAGE-----\n'),
  ],
  ['an armored public key', armored(readVector('containers-image/public-key.gpg'), 'PUBLIC KEY BLOCK')],
  [
    'a binary public key (OpenPGP, but no signature)',
    Buffer.from(readVector('containers-image/public-key.gpg')),
  ],
  [
    'an encrypted message (OpenPGP, unsigned)',
    Buffer.from(readVector('containers-image/unsigned-encrypted.signature')),
  ],
  [
    'literal data without a signature',
    Buffer.from(readVector('containers-image/unsigned-literal.signature')),
  ],
  ['a cleartext-signed message', Buffer.from(readVector('containers-image/invalid-cleartext.signature'))],
  ['a truncated signature', SIG2.subarray(0, SIG2.length - 10)],
];

for (const [name, body, headers] of NOT_SIGNATURES) {
  test.serial(`not stored: ${name}`, async (t) => {
    const r = await importWith(t, bytesHandler(body, headers));
    t.is(r.status.state, 'completed', r.status.error);
    t.like(r.status.result, { fetched: 1, added: [1], endedBy: 'soft-404' });
    t.deepEqual(r.files, ['signature-1'], 'only the real signature');
    t.true(r.stored[0]!.equals(SIG1));
    t.true(r.events.includes('sigmirror_fetch_events_total{kind="soft-404"} 1'), r.events);
    const warning = r.log.find((l) => String(l.msg).includes('is not a signature'));
    t.truthy(warning, 'logged');
    t.true(
      String(warning!.msg).startsWith(
        `${r.up.base}${sigPath(2)} answered 200 with a body that is not a signature: `,
      ),
    );
    t.deepEqual(r.up.requests, [sigPath(1), sigPath(2)], 'the list ended there');
  });
}

test.serial('an armored signature is stored in the binary form hosts read', async (t) => {
  const r = await importWith(t, bytesHandler(armored(SIG2)));
  t.like(r.status.result, { fetched: 2, added: [1, 2], endedBy: 'not-found' });
  t.deepEqual(r.files, ['signature-1', 'signature-2']);
  t.true(r.stored[1]!.equals(SIG2));
});

test.serial('an endless body is cut at the 4 MiB limit and nothing of the image is stored', async (t) => {
  const chunk = Buffer.alloc(64 * 1024, 0xa3);
  const r = await importWith(t, (_req, res) => {
    res.writeHead(200);
    const pump = () => {
      while (res.write(chunk));
    };
    res.on('drain', pump);
    res.on('close', () => res.off('drain', pump));
    pump();
  });
  t.is(r.status.state, 'failed');
  t.regex(r.status.error ?? '', /signature-2 is larger than the 4194304-byte limit$/);
  t.deepEqual(r.files, []);
});

test.serial('a body that never ends nor grows times out; nothing is stored', async (t) => {
  const r = await importWith(t, (_req, res) => {
    res.writeHead(200, { 'content-length': '1000' });
    res.write(SIG2.subarray(0, 10));
  });
  t.is(r.status.state, 'failed');
  t.deepEqual(r.files, []);
});

test.serial(
  'a redirect to another host is not followed: the error names both URLs and the key that allows it',
  async (t) => {
    const other = await startUpstream(t);
    other.routes.set(sigPath(2), bytesHandler(SIG2));
    const r = await importWith(t, (_req, res) =>
      res.writeHead(302, { location: `${other.base}${sigPath(2)}` }).end(),
    );
    t.is(r.status.state, 'failed');
    const host = new URL(r.up.base).host;
    t.is(
      r.status.error,
      `redirect from ${r.up.base}${sigPath(2)} to ${other.base}${sigPath(2)} leaves ${host}: not followed (to allow it, add "${host}" to import.crossHostRedirects in the daemon config)`,
    );
    t.deepEqual(other.requests, [], 'the other host never heard from us');
    t.deepEqual(r.files, []);
  },
);

test.serial(
  'a redirect to another host is followed when the upstream host is listed in import.crossHostRedirects',
  async (t) => {
    const other = await startUpstream(t);
    other.routes.set('/cdn/sig2', bytesHandler(SIG2));
    const up = await startUpstream(t);
    const r = await importWith(
      t,
      (_req, res) => res.writeHead(302, { location: `${other.base}/cdn/sig2` }).end(),
      {
        up,
        crossHostRedirects: [new URL(up.base).host],
      },
    );
    t.like(r.status.result, { added: [1, 2] });
    t.true(r.stored[1]!.equals(SIG2));
  },
);

test.serial('a redirect on the same host is followed; more than 5 are not', async (t) => {
  const up = await startUpstream(t);
  up.routes.set('/moved/sig2', bytesHandler(SIG2));
  const same = await importWith(t, (_req, res) => res.writeHead(301, { location: '/moved/sig2' }).end(), {
    up,
  });
  t.like(same.status.result, { added: [1, 2] });
  const chain = await startUpstream(t);
  for (let i = 0; i < 7; i++)
    chain.routes.set(`/hop${i}`, (_req, res) => res.writeHead(302, { location: `/hop${i + 1}` }).end());
  const long = await importWith(t, (_req, res) => res.writeHead(302, { location: '/hop0' }).end(), {
    up: chain,
  });
  t.is(long.status.state, 'failed');
  t.regex(long.status.error ?? '', /^more than 5 redirects from /);
  t.deepEqual(long.files, []);
});

test.serial('https never redirects to http, even on the same host', async (t) => {
  const dir = await tempDir(t);
  const certs = makeCertificates(dir);
  const up = await startUpstream(t, { key: certs.key, cert: certs.cert });
  const plain = await startUpstream(t);
  plain.routes.set(sigPath(2), bytesHandler(SIG2));
  await writeTree(dir, { [`certs.d/${new URL(up.base).host}/ca.crt`]: certs.ca });
  const target = `http://127.0.0.1:${new URL(up.base).port}${sigPath(2)}`;
  const r = await importWith(t, (_req, res) => res.writeHead(302, { location: target }).end(), {
    up,
    certsDirs: [path.join(dir, 'certs.d')],
  });
  t.is(r.status.state, 'failed');
  t.is(r.status.error, `redirect from ${up.base}${sigPath(2)} to ${target} drops https: not followed`);
  t.deepEqual(r.files, []);
});
