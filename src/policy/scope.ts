/**
 * Which requirement list applies to a docker reference (policy_eval.go requirementsForImageRef):
 * the `docker` transport's scopes in registries.d's order — the identity (`name:tag` or
 * `name@digest`), the name and its parents down to `host[:port]`, wildcard hosts `*.example.com`
 * — then the transport's `""` scope, then `default`. The first scope present wins, even when a
 * less specific one exists. Pure. Keep in sync with docs/spec/policy-json.md §Shape.
 */
import { candidateScopes, type DockerReference } from '../reference/index.js';
import { formatJsonPath } from './json-document.js';
import type { Policy } from './parse.js';
import type { PolicyRequirement } from './schema.js';

/** The transport sigmirror evaluates (registries.d and lookasides exist only for it). */
export const DOCKER_TRANSPORT = 'docker';

/** The section that decided, and how it was found. */
export interface ScopeDecision {
  /** `transports.docker["reg.example.com/ns"]`, `transports.docker[""]` or `default`. */
  readonly section: string;
  /** The matching docker scope (`""` for the transport default); undefined when `default` decided. */
  readonly scope: string | undefined;
  /** The candidate scopes looked up, in order, up to and including the one that matched. */
  readonly tried: readonly string[];
  readonly requirements: readonly PolicyRequirement[];
}

/** The requirements for `ref` (a docker reference with a tag or a digest). */
export function requirementsFor(policy: Policy, ref: DockerReference): ScopeDecision {
  const scopes = policy.transports.get(DOCKER_TRANSPORT);
  const tried: string[] = [];
  if (scopes) {
    for (const scope of [...candidateScopes(ref), '']) {
      tried.push(scope);
      const requirements = scopes.get(scope);
      if (requirements)
        return {
          section: formatJsonPath(['transports', DOCKER_TRANSPORT, scope]),
          scope,
          tried,
          requirements,
        };
    }
  }
  return { section: 'default', scope: undefined, tried, requirements: policy.default };
}
