/** Serves a Koa app on 127.0.0.1:0 for one test; returns its base URL. */
import type { AddressInfo } from 'node:net';
import type { ExecutionContext } from 'ava';
import type Koa from 'koa';

export async function serveApp(t: ExecutionContext, app: Koa): Promise<string> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
