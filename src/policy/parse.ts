/**
 * Strict policy.json parsing, as containers/image 5.23 does it (signature/policy_config.go): an
 * unknown key, a duplicated key, a wrong type, an unknown requirement or identity kind, or an empty
 * requirement list is an error, reported with its JSON path and line. Pure.
 * Keep in sync with docs/spec/policy-json.md §Shape and §Requirement kinds.
 */
import { z } from 'zod';
import {
  formatJsonPath,
  JsonDocumentError,
  parseJsonDocument,
  type JsonDocument,
  type JsonPathStep,
} from './json-document.js';
import {
  REQUIREMENT_TYPES,
  requirementListSchema,
  SIGNED_IDENTITY_TYPES,
  type PolicyRequirement,
} from './schema.js';

/** Requirements by scope, for one transport (`""` is the transport's default scope). */
export type TransportScopes = ReadonlyMap<string, readonly PolicyRequirement[]>;

/** A parsed policy.json. Maps, not objects: a scope named `constructor` must not find Object's. */
export interface Policy {
  /** Used when no transport scope matches. Never empty. */
  readonly default: readonly PolicyRequirement[];
  /** By transport name (`docker`, …). */
  readonly transports: ReadonlyMap<string, TransportScopes>;
}

/** One problem in a policy file. */
export interface PolicyIssue {
  /** `transports.docker["reg.example.com/ns"][0].keyType`, `(top level)`, or empty for the file itself. */
  readonly path: string;
  readonly line: number | undefined;
  readonly message: string;
}

/** An unusable policy file; the message lists every issue as `file:line: path: message`. */
export class PolicyParseError extends Error {
  override readonly name = 'PolicyParseError';
  constructor(
    readonly file: string,
    readonly issues: readonly PolicyIssue[],
  ) {
    super(
      issues
        .map(
          (i) => `${file}${i.line !== undefined ? `:${i.line}` : ''}: ${i.path && `${i.path}: `}${i.message}`,
        )
        .join('\n'),
    );
  }
}

const toScopes = (scopes: Record<string, PolicyRequirement[]>): TransportScopes =>
  new Map(Object.entries(scopes));

const policySchema = z.strictObject({
  default: requirementListSchema,
  transports: z
    .record(z.string(), z.record(z.string(), requirementListSchema).transform(toScopes))
    .optional()
    .transform((t) => new Map(Object.entries(t ?? {}))),
});

/** Parses policy.json text; `file` only names it in messages. Throws PolicyParseError. */
export function parsePolicy(text: string, file = 'policy.json'): Policy {
  let doc: JsonDocument;
  try {
    doc = parseJsonDocument(text);
  } catch (err) {
    if (!(err instanceof JsonDocumentError)) throw err;
    throw new PolicyParseError(file, [
      { path: formatJsonPath(err.path), line: err.line, message: err.detail },
    ]);
  }
  const parsed = policySchema.safeParse(doc.value);
  if (parsed.success) return parsed.data;
  throw new PolicyParseError(
    file,
    parsed.error.issues.flatMap((issue) => describeIssue(issue, doc)),
  );
}

type Issue = z.core.$ZodIssue;

/** One zod issue as policy.json users read it (an unknown-keys issue becomes one per key). */
function describeIssue(issue: Issue, doc: JsonDocument): PolicyIssue[] {
  const path = issue.path as JsonPathStep[];
  const at = (steps: JsonPathStep[], message: string): PolicyIssue => ({
    path: formatJsonPath(steps),
    line: doc.lineOf(steps),
    message,
  });
  const raw = valueAt(doc.value, path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => at([...path, key], 'unknown key'));
    case 'invalid_type':
      return [at(path, raw === undefined ? 'is required' : `expected ${article(issue.expected)}`)];
    case 'too_small':
      return [
        at(
          path,
          issue.origin === 'array'
            ? 'list of verification policy requirements must not be empty'
            : issue.message,
        ),
      ];
    case 'invalid_union': {
      const identity = path.length >= 2 && /Identity$/.test(String(path[path.length - 2]));
      const [kind, known] = identity
        ? ['policy reference match type', SIGNED_IDENTITY_TYPES]
        : ['policy requirement type', REQUIREMENT_TYPES];
      const what = raw === undefined ? `missing ${kind}` : `unknown ${kind} ${JSON.stringify(raw)}`;
      return [at(path, `${what} (one of ${known.join(', ')})`)];
    }
    default:
      return [at(path, issue.message)];
  }
}

function article(expected: string): string {
  if (expected === 'array') return 'an array';
  if (expected === 'object' || expected === 'record') return 'an object';
  return `a ${expected}`;
}

function valueAt(value: unknown, path: readonly JsonPathStep[]): unknown {
  let v = value;
  for (const step of path) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, step)) return undefined;
    v = (v as Record<string | number, unknown>)[step];
  }
  return v;
}
