/**
 * `POST /v1/verify {reference, expectedIdentity, keys|publicKeys, save?, strict?}`: the same
 * check as `sigmirror verify`, over HTTP. `{release: "sha256:<hex>" | pullspec@sha256:<hex>, …}`
 * instead verifies an OpenShift release as the CVO does (`sigmirror release verify`). Keys are the daemon's configured `verify.keys` (by name)
 * or armored keys in the body. Verifying needs the reader or auditor role; saving the verdicts auditor.
 * An image the store does not know is 404 NOT_FOUND (an unsigned one it knows is `verified: false`).
 */
import Router from '@koa/router';
import { z } from 'zod';
import { imageKeyFromReference, imageReference, ReferenceError } from '../../reference/index.js';
import { releaseDigestOf, ReleaseNameError } from '../../release/index.js';
import { expectedIdentityRule, Keyring, KeyError } from '../../signature/index.js';
import { type ImageKey, type SignatureStore } from '../../store/index.js';
import {
  ImageUnknownError,
  loadKeyring,
  saveVerification,
  verifyImage,
  verifyRelease,
} from '../../verification/index.js';
import { requireRole, type AuthDeps } from '../auth.js';
import { parseJson, readBody } from '../body.js';
import { ApiError } from '../errors.js';
import { verifyBody } from '../request-schemas.js';
import type { VerificationBody } from '../response-types.js';

type VerifyBody = z.output<typeof verifyBody>;

export interface VerifyDeps {
  readonly store: SignatureStore;
  readonly auth: AuthDeps;
  readonly maxBodyBytes: number;
  /** Configured trusted keys: name → key file. */
  readonly keys: Readonly<Record<string, string>>;
}

export function verifyRoutes(deps: VerifyDeps): Router {
  const router = new Router();
  router.post('/v1/verify', requireRole(deps.auth, ['reader', 'auditor']), async (ctx) => {
    const parsed = verifyBody.safeParse(parseJson(await readBody(ctx, deps.maxBodyBytes), 'BAD_REQUEST'));
    if (!parsed.success)
      throw new ApiError(
        'BAD_REQUEST',
        'expected {"reference", "expectedIdentity" | "release", "keys" or "publicKeys", "save"?, "strict"?}',
        parsed.error.issues[0]?.message,
      );
    const body = parsed.data;
    const principal = ctx.state.principal as { name: string; roles: ReadonlySet<string> } | undefined;
    if (body.save && !principal?.roles.has('auditor') && !principal?.roles.has('admin'))
      throw new ApiError(
        'DENIED',
        `saving verdicts needs the auditor role${principal ? ` ("${principal.name}" lacks it)` : ''}`,
      );
    const target = targetOf(body);
    const keyring = await keyringFor(body, deps.keys);
    const strict = body.strict;
    const result = await (
      'digest' in target
        ? verifyRelease({ store: deps.store, digest: target.digest, keyring, strict })
        : verifyImage({ store: deps.store, ...target, keyring, strict })
    ).catch((err: unknown) => {
      if (err instanceof ImageUnknownError) throw new ApiError('NOT_FOUND', err.message);
      throw err;
    });
    if (body.save) await saveVerification(deps.store, result, principal!.name);
    const release = 'digest' in target ? { release: target.digest } : {};
    ctx.body = {
      ...result,
      image: imageReference(result.image),
      ...release,
      saved: body.save,
    } satisfies VerificationBody;
  });
  return router;
}

/** What to check, validated before any key is read: a release digest, or an image and its identity. */
function targetOf(body: VerifyBody): { digest: string } | { image: ImageKey; expectedIdentity: string } {
  try {
    if (body.release !== undefined) return { digest: releaseDigestOf(body.release) };
    const expectedIdentity = body.expectedIdentity!;
    const image = imageKeyFromReference(body.reference!);
    expectedIdentityRule(expectedIdentity);
    return { image, expectedIdentity };
  } catch (err) {
    if (err instanceof ReferenceError || err instanceof ReleaseNameError)
      throw new ApiError('BAD_REQUEST', err.message);
    throw err;
  }
}

async function keyringFor(
  body: { keys?: string[] | undefined; publicKeys?: string[] | undefined },
  configured: Readonly<Record<string, string>>,
): Promise<Keyring> {
  try {
    if (body.publicKeys)
      return await Keyring.read(
        body.publicKeys.map((k, i) => ({ name: `publicKeys[${i}]`, bytes: Buffer.from(k) })),
      );
    const unknown = body.keys!.filter((name) => !Object.hasOwn(configured, name));
    if (unknown.length)
      throw new ApiError(
        'BAD_REQUEST',
        `unknown key name(s) ${unknown.join(', ')}; configured: ${Object.keys(configured).join(', ') || 'none'}`,
      );
    return await loadKeyring(body.keys!.map((name) => configured[name]!));
  } catch (err) {
    if (err instanceof KeyError) throw new ApiError('BAD_REQUEST', err.message);
    throw err;
  }
}
