/** Component schemas of the OpenAPI document (src/api/openapi.ts): the bodies the routes send and take. */

export type Schema = Readonly<Record<string, unknown>>;

export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });

export const str = { type: 'string' };
const nullable = (type: string) => ({ type: [type, 'null'] });
export const SCHEMAS: Readonly<Record<string, Schema>> = {
  Errors: {
    type: 'object',
    properties: {
      errors: {
        type: 'array',
        items: {
          type: 'object',
          required: ['code', 'message'],
          properties: { code: str, message: str, detail: {} },
        },
      },
    },
  },
  Signature: {
    type: 'object',
    required: ['schemaVersion', 'name', 'type', 'content'],
    properties: {
      schemaVersion: { const: 2 },
      name: { type: 'string', description: '<digest>@<32 alphanumerics>' },
      type: { const: 'atomic' },
      content: { type: 'string', contentEncoding: 'base64', description: 'OpenPGP signed message' },
    },
  },
  SignatureList: { type: 'object', properties: { signatures: { type: 'array', items: ref('Signature') } } },
  SignatureEntry: {
    type: 'object',
    properties: {
      index: { type: 'integer' },
      sha256: str,
      size: { type: 'integer' },
      source: nullable('string'),
      name: nullable('string'),
      origin: { enum: ['import', 'upload', 'unknown', 'adopted'] },
      by: nullable('string'),
      storedAt: { type: 'string', format: 'date-time' },
      parsed: nullable('object'),
      verifications: { type: 'array', items: { type: 'object' } },
    },
  },
  Image: {
    type: 'object',
    properties: {
      registry: str,
      repository: str,
      digest: str,
      status: { enum: ['verified', 'failed', 'unverified', 'unsigned'] },
      known: { type: 'boolean', description: 'the store has imported or stored anything for it' },
      lastImportAt: nullable('string'),
      source: nullable('string'),
      lastVerifiedAt: nullable('string'),
      signatures: { type: 'array', items: ref('SignatureEntry') },
    },
  },
  ImageSummary: {
    type: 'object',
    properties: {
      reference: str,
      registry: str,
      repository: str,
      digest: str,
      signatures: { type: 'integer' },
      status: { enum: ['verified', 'failed', 'unverified', 'unsigned'] },
      lastImportAt: nullable('string'),
      source: nullable('string'),
      lastVerifiedAt: nullable('string'),
    },
  },
  ImagePage: {
    type: 'object',
    properties: { items: { type: 'array', items: ref('ImageSummary') }, next: nullable('string') },
  },
  ImageCounts: {
    type: 'object',
    properties: {
      counts: {
        type: 'object',
        properties: Object.fromEntries(
          ['verified', 'failed', 'unverified', 'unsigned'].map((s) => [s, { type: 'integer' }]),
        ),
      },
      total: { type: 'integer' },
    },
  },
  Status: {
    type: 'object',
    properties: {
      registries: { type: 'object' },
      queueDepth: { type: 'integer' },
      verifyKeys: { type: 'array', items: str },
      recentImports: { type: 'array', items: { type: 'object' } },
      recentFailures: { type: 'array', items: { type: 'object' } },
    },
  },
  ImportJobs: {
    type: 'object',
    properties: {
      jobs: {
        type: 'array',
        items: { type: 'object', properties: { reference: str, id: str, deduplicated: { type: 'boolean' } } },
      },
    },
  },
  ImportStatus: {
    type: 'object',
    properties: { id: str, state: str, attempts: { type: 'integer' }, error: nullable('string'), result: {} },
  },
  Verification: {
    type: 'object',
    properties: {
      image: str,
      expectedIdentity: str,
      verified: { type: 'boolean', description: 'at least one signature is trusted for the identity' },
      saved: { type: 'boolean' },
      signatures: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            index: { type: 'integer' },
            sha256: str,
            verdict: { enum: ['trusted', 'rejected', 'unsupported'] },
            stage: nullable('string'),
            reason: nullable('string'),
            keyId: nullable('string'),
            keyFingerprint: nullable('string'),
            subkeyFingerprint: nullable('string'),
            identity: nullable('string'),
            digest: nullable('string'),
            warnings: { type: 'array', items: str },
          },
        },
      },
    },
  },
  Queued: { type: 'object', properties: { queued: { type: 'integer' } } },
  Health: {
    type: 'object',
    properties: {
      status: { const: 'ok' },
      registries: {
        type: 'object',
        description: 'the registries.d configuration in force and the latest rejected edit, if any',
        properties: {
          inForce: { type: 'boolean' },
          appliedAt: { type: ['string', 'null'] },
          rejectedEdit: {
            type: ['object', 'null'],
            properties: { at: { type: 'string' }, errors: { type: 'array', items: { type: 'string' } } },
          },
        },
      },
    },
  },
  Readiness: {
    type: 'object',
    properties: {
      status: { enum: ['ready', 'unready'] },
      checks: { type: 'object', additionalProperties: { type: 'string', description: '`ok` or the reason' } },
    },
  },
};
