/**
 * A static web server on 127.0.0.1 laid out as mirror.openshift.com's release signature store
 * (`/pub/openshift-v4/signatures/openshift/release/sha256=<hex>/signature-N`), serving a directory
 * tree the test writes, with the faults real stores show: paths that answer 403 (an object store
 * refusing a key), and directories whose missing files answer an HTML page with 200 (a CDN's
 * soft-404). Every request is recorded.
 */
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { ExecutionContext } from 'ava';

/** Where mirror.openshift.com keeps release signatures. */
export const RELEASE_STORE_PATH = '/pub/openshift-v4/signatures/openshift/release';
export const SOFT_404_PAGE =
  '<!DOCTYPE html>\n<html><head><title>Not Found</title></head><body>Not Found</body></html>\n';

export interface ReleaseMirrorFaults {
  /** URL paths answering 403 with an S3-style XML body. */
  readonly forbidden?: readonly string[];
  /** URL path prefixes whose missing files answer SOFT_404_PAGE with 200 text/html. */
  readonly softMissing?: readonly string[];
}

export interface ReleaseMirror {
  /** The store URL a cluster's `store-*` key would name. */
  readonly storeUrl: string;
  readonly requests: string[];
}

export async function startReleaseMirror(
  t: ExecutionContext,
  root: string,
  faults: ReleaseMirrorFaults = {},
): Promise<ReleaseMirror> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0]!;
    requests.push(url);
    if (url.includes('..') || url.includes('%')) return void res.writeHead(400).end();
    if (faults.forbidden?.includes(url)) {
      const body = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code></Error>\n';
      return void res.writeHead(403, { 'content-type': 'application/xml' }).end(body);
    }
    readFile(path.join(root, url)).then(
      (bytes) => res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(bytes),
      () => {
        if (faults.softMissing?.some((p) => url.startsWith(p)))
          res.writeHead(200, { 'content-type': 'text/html' }).end(SOFT_404_PAGE);
        else res.writeHead(404, { 'content-type': 'text/plain' }).end('404 Not Found\n');
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { storeUrl: `${base}${RELEASE_STORE_PATH}`, requests };
}
