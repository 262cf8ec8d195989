/**
 * The requirement and signedIdentity shapes of policy.json, field by field as containers/image 5.23
 * accepts them (signature/policy_types.go, policy_config.go). Every object is strict: a typo is an
 * error, never a silently ignored constraint. Keep in sync with docs/spec/policy-json.md.
 */
import { z } from 'zod';
import {
  anchoredDomainRegexp,
  anchoredPathComponentRegexp,
  parseNormalizedReference,
  ReferenceError,
} from '../reference/index.js';
import type { SignedIdentity } from '../signature/index.js';

/** `keyType` values containers/image recognises; only GPGKeys is implemented there (and here). */
export const KEY_TYPES = ['GPGKeys', 'signedByGPGKeys', 'X509Certificates', 'signedByX509CAs'] as const;
export type KeyType = (typeof KEY_TYPES)[number];

/** Standard base64 with padding (Go's encoding/json decodes []byte with base64.StdEncoding). */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A reference-valued field: containers/image's reason when it does not parse. */
function referenceField(what: string, check?: (value: string) => string | undefined) {
  return z.string().superRefine((value, ctx) => {
    try {
      parseNormalizedReference(value);
    } catch (err) {
      if (!(err instanceof ReferenceError)) throw err;
      ctx.addIssue({ code: 'custom', message: `invalid format of ${what} ${value}: ${err.message}` });
      return;
    }
    const problem = check?.(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}

const unanchored = (r: RegExp) => r.source.slice(1, -1);
const component = unanchored(anchoredPathComponentRegexp);
/** A repository name that starts with a registry: `host[:port]/path[/path…]`. */
const nameWithDomain = new RegExp(`^${unanchored(anchoredDomainRegexp)}/${component}(?:/${component})*$`);

/**
 * remapIdentity prefixes: a registry (`host[:port]`) or a name starting with one
 * (policy_config.go validateIdentityRemappingPrefix; like it, not every invalid value is caught).
 */
const remapPrefix = z.string().superRefine((value, ctx) => {
  if (anchoredDomainRegexp.test(value) || nameWithDomain.test(value)) return;
  ctx.addIssue({ code: 'custom', message: `prefix ${JSON.stringify(value)} is not valid` });
});

const signedIdentitySchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('matchExact') }),
  z.strictObject({ type: z.literal('matchRepoDigestOrExact') }),
  z.strictObject({ type: z.literal('matchRepository') }),
  z.strictObject({
    type: z.literal('exactReference'),
    dockerReference: referenceField('dockerReference', (value) => {
      const ref = parseNormalizedReference(value);
      return ref.tag === undefined && ref.digest === undefined
        ? `dockerReference ${value} contains neither a tag nor digest`
        : undefined;
    }),
  }),
  z.strictObject({
    type: z.literal('exactRepository'),
    dockerRepository: referenceField('dockerRepository'),
  }),
  z.strictObject({ type: z.literal('remapIdentity'), prefix: remapPrefix, signedPrefix: remapPrefix }),
]) satisfies z.ZodType<SignedIdentity>;

/** signedIdentity kinds, for messages. */
export const SIGNED_IDENTITY_TYPES = signedIdentitySchema.options.map((o) => o.shape.type.value);

const signedBySchema = z
  .strictObject({
    type: z.literal('signedBy'),
    keyType: z.enum(KEY_TYPES, {
      error: (iss) =>
        iss.input === undefined
          ? 'is required'
          : `unrecognized keyType value ${JSON.stringify(iss.input)} (one of ${KEY_TYPES.join(', ')})`,
    }),
    keyPath: z.string().min(1, 'must not be empty').optional(),
    keyPaths: z.array(z.string()).optional(),
    keyData: z.string().regex(BASE64, 'not valid base64').optional(),
    signedIdentity: signedIdentitySchema.optional(),
  })
  .superRefine((req, ctx) => {
    const sources = [req.keyPath, req.keyPaths, req.keyData].filter((s) => s !== undefined).length;
    if (sources !== 1)
      ctx.addIssue({
        code: 'custom',
        message: `exactly one of keyPath, keyPaths and keyData must be specified, ${sources ? 'more than one' : 'none of them'} present`,
      });
  });

const sigstoreSignedSchema = z
  .strictObject({
    type: z.literal('sigstoreSigned'),
    keyPath: z.string().optional(),
    keyData: z.string().regex(BASE64, 'not valid base64').optional(),
    signedIdentity: signedIdentitySchema.optional(),
  })
  .superRefine((req, ctx) => {
    if (req.keyPath !== undefined && req.keyData !== undefined)
      ctx.addIssue({ code: 'custom', message: 'keyPath and keyData cannot be used simultaneously' });
    if (req.keyPath === undefined && req.keyData === undefined)
      ctx.addIssue({ code: 'custom', message: 'at least one of keyPath and keyData must be specified' });
  });

const requirementSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('insecureAcceptAnything') }),
  z.strictObject({ type: z.literal('reject') }),
  signedBySchema,
  z.strictObject({ type: z.literal('signedBaseLayer'), baseLayerIdentity: signedIdentitySchema }),
  sigstoreSignedSchema,
]);

/** Requirement kinds, for messages. */
export const REQUIREMENT_TYPES = [
  'insecureAcceptAnything',
  'reject',
  'signedBy',
  'signedBaseLayer',
  'sigstoreSigned',
] as const;

/** A non-empty list of requirements (an empty one is an error, never "allow"). */
export const requirementListSchema = z.array(requirementSchema).min(1);

/** One policy requirement, as parsed. */
export type PolicyRequirement = z.output<typeof requirementSchema>;
/** `signedBy`: keys (exactly one of keyPath, keyPaths, keyData) and the identity rule. */
export type SignedByRequirement = Extract<PolicyRequirement, { type: 'signedBy' }>;
