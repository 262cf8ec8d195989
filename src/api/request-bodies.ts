/**
 * The JSON request bodies the API takes, as zod schemas: the routes validate with them and
 * /openapi.json describes them with their JSON Schema (openapi.ts jsonSchemaOf), so the contract
 * cannot drift from the code. Refinements zod cannot express in JSON Schema are in `description`.
 */
import { z } from 'zod';
import { MAX_IMPORT_REFERENCES } from '../limits.js';

/** A name of 255, `@sha256:` and 64 hex: anything longer is not an image reference. */
const REFERENCE_MAX = 255 + 8 + 64;
/** Most release digests per request; longer lists go through `sigmirror release import`. */
export const MAX_RELEASE_DIGESTS = 1000;
/** Inline keys per verify request: a keyring of a few keys is plenty; more belongs in the config. */
const MAX_INLINE_KEYS = 16;
/** A pullspec (a reference of at most REFERENCE_MAX) or `sha256:<hex>`. */
const RELEASE_NAME_MAX = 600;

export const importsBody = z
  .strictObject({
    references: z
      .array(z.string().max(REFERENCE_MAX).meta({ description: 'registry/repository@sha256:<hex>' }))
      .min(1)
      .max(MAX_IMPORT_REFERENCES),
  })
  .meta({ description: `references by digest, at most ${MAX_IMPORT_REFERENCES}` });

export const releaseImportsBody = z
  .strictObject({
    digests: z
      .array(z.string().max(RELEASE_NAME_MAX).meta({ description: 'sha256:<hex> or pullspec@sha256:<hex>' }))
      .min(1)
      .max(MAX_RELEASE_DIGESTS),
  })
  .meta({ description: `releases by digest, at most ${MAX_RELEASE_DIGESTS}` });

const ONE_KEY_SOURCE = 'give exactly one of "keys" (configured key names) and "publicKeys" (armored keys)';
const IMAGE_OR_RELEASE =
  'give "reference" and "expectedIdentity" (an image), or "release" alone (an OpenShift release)';

export const verifyBody = z
  .strictObject({
    reference: z.string().min(1).optional().meta({ description: 'registry/repository@sha256:<hex>' }),
    expectedIdentity: z.string().min(1).optional(),
    release: z
      .string()
      .min(1)
      .max(RELEASE_NAME_MAX)
      .optional()
      .meta({ description: 'sha256:<hex> or pullspec@sha256:<hex>' }),
    keys: z.array(z.string().min(1)).min(1).max(MAX_INLINE_KEYS).optional(),
    publicKeys: z.array(z.string().min(1)).min(1).max(MAX_INLINE_KEYS).optional(),
    save: z.boolean().default(false).meta({ description: 'record the verdicts (auditor role)' }),
    strict: z.boolean().default(false),
  })
  .refine((b) => (b.keys === undefined) !== (b.publicKeys === undefined), { message: ONE_KEY_SOURCE })
  .refine(
    (b) =>
      b.release === undefined
        ? b.reference !== undefined && b.expectedIdentity !== undefined
        : b.reference === undefined && b.expectedIdentity === undefined,
    { message: IMAGE_OR_RELEASE },
  )
  .meta({ description: `${IMAGE_OR_RELEASE}; ${ONE_KEY_SOURCE}` });

/** `PUT /extensions/v2/…/signatures/…`: one signature object (OpenShift registry compatible). */
export const signaturePutBody = z
  .strictObject({
    schemaVersion: z.number().optional(),
    /** OCP 3.11 docs call it `version`; accepted as an alias. */
    version: z.number().optional().meta({ description: 'alias of schemaVersion (OCP 3.11)' }),
    name: z.string().meta({ description: '<digest>@<name>' }),
    type: z
      .string()
      .optional()
      .meta({ description: '`atomic` (`AtomicImageV1` and empty are stored as atomic)' }),
    content: z
      .string()
      .meta({ description: 'base64 of the binary OpenPGP signature, at most 4 MiB decoded' }),
  })
  .meta({ description: 'one signature object' });
