/**
 * The scope candidates of a reference, most specific first, exactly as containers/image builds them
 * (docker_transport.go PolicyConfigurationIdentity, policyconfiguration/naming.go
 * DockerReferenceNamespaces). Used by registries.d and policy.json alike.
 * Keep in sync with docs/spec/registries-d.md §Scopes and the matching order.
 */
import { referenceString, type DockerReference } from './parse.js';

/** The identity scope: the full reference, `name:tag` or `name@digest`. */
export function identityScope(ref: DockerReference): string {
  return referenceString(ref);
}

/**
 * The name and its parents down to `host:port`, then wildcard host scopes built from the host
 * without its port (`*.example.com`, `*.com`). The bare host without port is never a candidate.
 */
export function namespaceScopes(ref: DockerReference): string[] {
  const scopes: string[] = [];
  let name = ref.name;
  for (;;) {
    scopes.push(name);
    const lastSlash = name.lastIndexOf('/');
    if (lastSlash === -1) break;
    name = name.slice(0, lastSlash);
  }
  const portColon = name.indexOf(':');
  if (portColon !== -1) name = name.slice(0, portColon);
  for (let dot = name.indexOf('.'); dot !== -1; dot = name.indexOf('.')) {
    name = name.slice(dot + 1);
    scopes.push(`*.${name}`);
  }
  return scopes;
}

/** Identity first, then the namespaces: the full order in which scopes are tried. */
export function candidateScopes(ref: DockerReference): string[] {
  return [identityScope(ref), ...namespaceScopes(ref)];
}
