/**
 * The JSON bodies the API answers with, as zod schemas in one registry: /openapi.json's
 * `components.schemas` are generated from them (openapi-schemas.ts), routes type the bodies they
 * build with their `z.output` types (`satisfies`, response-types.ts), and the test suite validates
 * every answer it receives against the generated document. The document leaves objects open
 * (openapi-schemas.ts drops `additionalProperties: false`): clients must ignore fields they do not
 * know, and some bodies carry more (a release's `release`, a job's result).
 */
import { z } from 'zod';

/** Every component of the document, by its name. */
export const responseSchemas = z.registry<{ id: string }>();

const nullableString = z.string().nullable();
const status = z.enum(['verified', 'failed', 'unverified', 'unsigned']);

export const errorsBody = z
  .object({
    errors: z.array(z.object({ code: z.string(), message: z.string(), detail: z.unknown().optional() })),
  })
  .register(responseSchemas, { id: 'Errors' });

export const signatureObject = z
  .object({
    schemaVersion: z.literal(2),
    name: z.string().meta({ description: '<digest>@<32 alphanumerics>' }),
    type: z.literal('atomic'),
    content: z.string().meta({ description: 'OpenPGP signed message, base64', contentEncoding: 'base64' }),
  })
  .register(responseSchemas, { id: 'Signature' });

export const signatureList = z
  .object({ signatures: z.array(signatureObject) })
  .register(responseSchemas, { id: 'SignatureList' });

export const signatureEntry = z
  .object({
    index: z.number().int().optional(),
    sha256: z.string().optional(),
    size: z.number().int().optional(),
    source: nullableString.optional(),
    name: nullableString.optional(),
    origin: z.enum(['import', 'upload', 'unknown', 'adopted']).optional(),
    by: nullableString.optional(),
    storedAt: z.string().meta({ format: 'date-time' }).optional(),
    parsed: z.object({}).nullable().optional(),
    verifications: z.array(z.object({})).optional(),
  })
  .register(responseSchemas, { id: 'SignatureEntry' });

export const imageBody = z
  .object({
    registry: z.string().optional(),
    repository: z.string().optional(),
    digest: z.string().optional(),
    status: status.optional(),
    known: z.boolean().optional().meta({ description: 'the store has imported or stored anything for it' }),
    lastImportAt: nullableString.optional(),
    source: nullableString.optional(),
    lastVerifiedAt: nullableString.optional(),
    signatures: z.array(signatureEntry).optional(),
  })
  .register(responseSchemas, { id: 'Image' });

export const imageSummary = z
  .object({
    reference: z.string().optional(),
    registry: z.string().optional(),
    repository: z.string().optional(),
    digest: z.string().optional(),
    signatures: z.number().int().optional(),
    status: status.optional(),
    lastImportAt: nullableString.optional(),
    source: nullableString.optional(),
    lastVerifiedAt: nullableString.optional(),
  })
  .register(responseSchemas, { id: 'ImageSummary' });

export const imagePage = z
  .object({ items: z.array(imageSummary).optional(), next: nullableString.optional() })
  .register(responseSchemas, { id: 'ImagePage' });

export const imageCounts = z
  .object({
    counts: z
      .object(Object.fromEntries(status.options.map((s) => [s, z.number().int().optional()])))
      .optional(),
    total: z.number().int().optional(),
  })
  .register(responseSchemas, { id: 'ImageCounts' });

export const statusBody = z
  .object({
    registries: z.object({}).optional(),
    queueDepth: z.number().int().optional(),
    verifyKeys: z.array(z.string()).optional(),
    recentImports: z.array(z.object({})).optional(),
    recentFailures: z.array(z.object({})).optional(),
  })
  .register(responseSchemas, { id: 'Status' });

export const importJobs = z
  .object({
    jobs: z
      .array(
        z.object({
          reference: z.string().optional(),
          id: z.string().optional(),
          deduplicated: z.boolean().optional(),
        }),
      )
      .optional(),
  })
  .register(responseSchemas, { id: 'ImportJobs' });

export const importStatus = z
  .object({
    id: z.string().optional(),
    state: z.string().optional(),
    attempts: z.number().int().optional(),
    error: nullableString.optional(),
    result: z.unknown().optional(),
  })
  .register(responseSchemas, { id: 'ImportStatus' });

export const verificationBody = z
  .object({
    image: z.string().optional(),
    expectedIdentity: z.string().optional(),
    verified: z
      .boolean()
      .optional()
      .meta({ description: 'at least one signature is trusted for the identity' }),
    saved: z.boolean().optional(),
    signatures: z
      .array(
        z.object({
          index: z.number().int().optional(),
          sha256: z.string().optional(),
          verdict: z.enum(['trusted', 'rejected', 'unsupported']).optional(),
          stage: nullableString.optional(),
          reason: nullableString.optional(),
          keyId: nullableString.optional(),
          keyFingerprint: nullableString.optional(),
          subkeyFingerprint: nullableString.optional(),
          identity: nullableString.optional(),
          digest: nullableString.optional(),
          warnings: z.array(z.string()).optional(),
        }),
      )
      .optional(),
  })
  .register(responseSchemas, { id: 'Verification' });

export const queuedBody = z
  .object({ queued: z.number().int().optional() })
  .register(responseSchemas, { id: 'Queued' });

export const healthBody = z
  .object({
    status: z.literal('ok').optional(),
    registries: z
      .object({
        inForce: z.boolean().optional(),
        appliedAt: nullableString.optional(),
        rejectedEdit: z
          .object({ at: z.string().optional(), errors: z.array(z.string()).optional() })
          .nullable()
          .optional(),
      })
      .optional()
      .meta({ description: 'the registries.d configuration in force and the latest rejected edit, if any' }),
  })
  .register(responseSchemas, { id: 'Health' });

export const readinessBody = z
  .object({
    status: z.enum(['ready', 'unready']).optional(),
    checks: z.record(z.string(), z.string().meta({ description: '`ok` or the reason' })).optional(),
  })
  .register(responseSchemas, { id: 'Readiness' });
