/**
 * OpenShift releases (docs/releases.md):
 * `POST /v1/releases/imports {"digests": [sha256:<hex> | pullspec@sha256:<hex>, …]}` → 202 with
 * job ids (importer; `GET /v1/imports/<id>` follows them),
 * `GET /v1/releases?status&limit&cursor` → the release listing `{items, next}`,
 * `GET /v1/releases/<sha256:hex>/configmap?format=yaml|json` → the signature ConfigMap the CVO
 * reads in a disconnected cluster, with every stored signature (JSON by default).
 */
import Router from '@koa/router';
import { QueueUnavailableError, type ImportProducer } from '../../queue/index.js';
import {
  ConfigMapTooLargeError,
  listReleases,
  releaseDigestOf,
  ReleaseNameError,
  renderManifests,
  storedConfigMap,
} from '../../release/index.js';
import { releaseKey, type SignatureStore } from '../../store/index.js';
import { requireRole, type AuthDeps } from '../auth.js';
import { parseJson, readBody } from '../body.js';
import { ApiError } from '../errors.js';
import { checkedDigest } from '../paths.js';
import { configMapQuery, releaseImportsBody, releasesQuery } from '../request-schemas.js';

const CONTENT_TYPES = { yaml: 'application/yaml; charset=utf-8', json: 'application/json; charset=utf-8' };

export interface ReleasesDeps {
  readonly store: SignatureStore;
  readonly producer: ImportProducer;
  readonly auth: AuthDeps;
  readonly maxBodyBytes: number;
}

export function releasesRoutes(deps: ReleasesDeps): Router {
  const router = new Router();
  router.post('/v1/releases/imports', requireRole(deps.auth, 'importer'), async (ctx) => {
    const parsed = releaseImportsBody.safeParse(
      parseJson(await readBody(ctx, deps.maxBodyBytes), 'BAD_REQUEST'),
    );
    if (!parsed.success)
      throw new ApiError(
        'BAD_REQUEST',
        'expected {"digests": ["sha256:…" or "pullspec@sha256:…", …]}',
        parsed.error.issues[0]?.message,
      );
    const digests = parsed.data.digests.map((name) => ({ name, digest: digestOf(name) }));
    const jobs = [];
    try {
      for (const { name, digest } of digests)
        jobs.push({ name, digest, ...(await deps.producer.enqueue(releaseKey(digest))) });
    } catch (err) {
      if (err instanceof QueueUnavailableError)
        throw new ApiError('UNAVAILABLE', 'the import queue is unavailable');
      throw err;
    }
    ctx.status = 202;
    ctx.body = { jobs };
  });
  router.get('/v1/releases', requireRole(deps.auth, 'reader', true), async (ctx) => {
    const parsed = releasesQuery.safeParse(ctx.query);
    if (!parsed.success)
      throw new ApiError('BAD_REQUEST', 'invalid query parameter', parsed.error.issues[0]?.message);
    const page = await listReleases(deps.store, parsed.data);
    ctx.body = { items: page.items.map((row) => ({ ...row, release: row.digest })), next: page.next };
  });
  router.get('/v1/releases/:digest/configmap', requireRole(deps.auth, 'reader', true), async (ctx) => {
    const digest = ctx.params.digest ?? '';
    checkedDigest(digest);
    const query = configMapQuery.safeParse(ctx.query);
    if (!query.success)
      throw new ApiError('BAD_REQUEST', 'format is yaml or json', query.error.issues[0]?.message);
    let configMap;
    try {
      configMap = await storedConfigMap(deps.store, digest);
    } catch (err) {
      if (err instanceof ConfigMapTooLargeError) throw new ApiError('BAD_REQUEST', err.message);
      throw err;
    }
    if (!configMap) throw new ApiError('NOT_FOUND', `no release ${digest} in the store`);
    ctx.type = CONTENT_TYPES[query.data.format];
    ctx.body = renderManifests([configMap], query.data.format);
  });
  return router;
}

function digestOf(name: string): string {
  try {
    return releaseDigestOf(name);
  } catch (err) {
    if (err instanceof ReleaseNameError)
      throw new ApiError('BAD_REQUEST', `invalid release "${name.slice(0, 200)}"`, err.message);
    throw err;
  }
}
