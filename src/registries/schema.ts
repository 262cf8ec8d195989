/**
 * One registries.d file, decoded as leniently as containers/image does it (docker/registries_d.go
 * with yaml.v3, no strict mode). Keep in sync with docs/spec/registries-d.md §Files.
 *
 * yaml.v3 semantics mirrored here: any scalar decodes into a string field (`lookaside: 123` is
 * "123"), null leaves the zero value, a bool field also takes YAML 1.1 words (`yes`, `off`), and
 * unknown keys are ignored (sigmirror warns about them instead).
 */
import { z } from 'zod';

/** yaml.v3 puts any scalar into a string field; null means "unset". */
const goString = z
  .union([z.string(), z.number(), z.boolean(), z.null()], { error: 'expected a string (URL)' })
  .transform((v) => (v === null ? '' : String(v)));

const YAML11_TRUE = ['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON'] as const;
const YAML11_FALSE = ['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF'] as const;

/** yaml.v3 bool: true/false, or a YAML 1.1 word when the target field is a bool. */
const goBool = z.union(
  [
    z.boolean(),
    z
      .enum([...YAML11_TRUE, ...YAML11_FALSE])
      .transform((v) => (YAML11_TRUE as readonly string[]).includes(v)),
    z.null().transform(() => undefined),
  ],
  { error: 'expected a boolean (true or false)' },
);

/** The keys a scope (or default-docker) may carry. */
export const NAMESPACE_KEYS = [
  'lookaside',
  'lookaside-staging',
  'sigstore',
  'sigstore-staging',
  'use-sigstore-attachments',
] as const;

const namespaceSchema = z.looseObject(
  {
    lookaside: goString.optional(),
    'lookaside-staging': goString.optional(),
    sigstore: goString.optional(),
    'sigstore-staging': goString.optional(),
    'use-sigstore-attachments': goBool.optional(),
  },
  { error: 'expected a mapping of lookaside keys' },
);

/** The keys a file may carry at its top level. */
export const FILE_KEYS = ['default-docker', 'docker'] as const;

/** The schema of one registries.d file (unknown keys pass through; load.ts warns about them). */
export const registriesFileSchema = z.preprocess(
  (file) => file ?? {}, // an empty file is an empty configuration
  z.looseObject(
    {
      // A null default-docker is absent (a nil pointer in Go); a null scope is defined but empty.
      'default-docker': namespaceSchema
        .nullable()
        .optional()
        .transform((ns) => ns ?? undefined),
      docker: z
        .record(
          z.string(),
          namespaceSchema.nullable().transform((ns) => ns ?? {}),
          { error: 'expected a mapping of scopes' },
        )
        .nullable()
        .optional(),
    },
    { error: 'expected a mapping with "default-docker" and/or "docker"' },
  ),
);

/** A decoded scope (or default-docker) entry. */
export type NamespaceConfig = z.output<typeof namespaceSchema>;
/** A decoded file. */
export type RegistriesFile = z.output<typeof registriesFileSchema>;
