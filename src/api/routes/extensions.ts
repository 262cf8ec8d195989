/**
 * The signatures API, OpenShift registry compatible:
 * `GET|HEAD|PUT /extensions/v2/<name>/signatures/<digest>`, sharing the store with the mirror
 * (a PUT becomes the next signature-N). Keep in sync with docs/spec/extensions-api.md.
 */
import Router from '@koa/router';
import type { AuthDeps } from '../auth.js';
import { requireRole } from '../auth.js';
import type { Metrics } from '../../metrics.js';
import { uploadSignature } from '../../import/index.js';
import { SignatureLimitError, SignatureNameTakenError, type SignatureStore } from '../../store/index.js';
import { parseJson, readBody } from '../body.js';
import { ApiError } from '../errors.js';
import type { ImageKey } from '../../reference/index.js';
import { parseExtensionsName } from '../paths.js';
import { signatureName, validatePut, type SignatureObject } from '../signature-object.js';
import type { Context } from 'koa';
import type { SignatureListBody } from '../response-types.js';

export interface ExtensionsDeps {
  readonly store: SignatureStore;
  readonly auth: AuthDeps;
  readonly defaultRegistry: string | undefined;
  readonly maxBodyBytes: number;
  /** Largest decoded signature accepted: the same as imports (`import.maxSignatureBytes`). */
  readonly maxSignatureBytes: number;
  readonly metrics?: Metrics | undefined;
}

/** The store's refusals, decided under its lock, as the API's errors. */
function storeRefusal(err: unknown): never {
  if (err instanceof SignatureNameTakenError)
    throw new ApiError('SIGNATURE_EXISTS', `a signature named ${err.signatureName} exists`);
  if (err instanceof SignatureLimitError) throw new ApiError('SIGNATURE_LIMIT', err.message);
  throw err;
}

const PATH = /^\/extensions\/v2\/(.+)\/signatures\/([^/]+)$/;

export function extensionsRoutes(deps: ExtensionsDeps): Router {
  const router = new Router();
  const image = (ctx: Context): ImageKey => {
    const m = PATH.exec(ctx.path);
    if (!m) throw new ApiError('NOT_FOUND');
    return parseExtensionsName(m[1]!, m[2]!, deps.defaultRegistry);
  };
  router.get(PATH, requireRole(deps.auth, 'reader', true), async (ctx) => {
    const target = image(ctx);
    const signatures: SignatureObject[] = [];
    for (const entry of await deps.store.list(target)) {
      const bytes = await deps.store.read(target, entry.index);
      if (!bytes) break; // removed meanwhile: the list stays contiguous
      signatures.push({
        schemaVersion: 2,
        name: signatureName(target.digest, entry),
        type: 'atomic',
        content: Buffer.from(bytes).toString('base64'),
      });
    }
    ctx.body = { signatures } satisfies SignatureListBody;
  });
  router.put(PATH, requireRole(deps.auth, 'signer'), async (ctx) => {
    const target = image(ctx);
    const { name, bytes } = validatePut(
      parseJson(await readBody(ctx, deps.maxBodyBytes), 'SIGNATURE_INVALID'),
      target.digest,
      deps.maxSignatureBytes,
    );
    // Names generated for imported signatures count too (the store checks names it recorded).
    const existing = await deps.store.list(target);
    if (existing.some((e) => signatureName(target.digest, e) === name))
      throw new ApiError('SIGNATURE_EXISTS', `a signature named ${name} exists`);
    const by = (ctx.state.principal as { name: string } | undefined)?.name;
    const result = await uploadSignature(deps.store, target, { bytes, name, by }).catch(storeRefusal);
    if ('duplicateOf' in result)
      throw new ApiError('SIGNATURE_EXISTS', `the same signature is already signature-${result.duplicateOf}`);
    deps.metrics?.signaturesStored.inc({ source: 'upload' });
    ctx.status = 201;
    ctx.set('Location', ctx.path);
    ctx.body = null;
    ctx.status = 201;
  });
  return router;
}
