/**
 * `sigmirror host-config`'s output: a registries.d file pointing hosts' lookaside at the mirror
 * and a policy.json requiring signatures by the given keys. Pure and byte-stable: scopes sorted,
 * fixed key order, 2-space JSON, both files ending in a newline.
 * Keep in sync with docs/spec/registries-d.md and docs/spec/policy-json.md.
 */
import path from 'node:path';
import { HostConfigError } from './errors.js';
import { type PolicyKeys } from './keys.js';
import { MIRROR_ROUTE, mirrorBase } from './mirror-url.js';
import { lookasideSuffix, parseScope, type Scope } from './scopes.js';

/** What to generate; the CLI flags of the same names. */
export interface HostConfigOptions {
  /** sigmirror's base URL as hosts reach it: http(s), no query; a path prefix is kept. */
  readonly mirrorUrl: string;
  /** `--registry`: registries (or namespaces, `host/ns`) whose signatures hosts read from the mirror. */
  readonly registries: readonly string[];
  /**
   * `--mirror-of MIRROR=REGISTRY`: images pulled from MIRROR carry signatures made for REGISTRY
   * (policy `remapIdentity`). Default: none.
   */
  readonly mirrorOf?: readonly string[];
  /** The keys signedBy trusts. Required unless `registriesOnly`. */
  readonly keys?: PolicyKeys;
  /** `default: [{type: reject}]` instead of containers' shipped `insecureAcceptAnything`. Default false. */
  readonly defaultReject?: boolean;
  /** Generate registries.d only, no policy (then no keys). Default false. */
  readonly registriesOnly?: boolean;
}

/** The generated files' contents. */
export interface HostConfig {
  /** The normalised mirror URL the files use. */
  readonly mirrorUrl: string;
  /** `registries.d/sigmirror.yaml`. */
  readonly registriesYaml: string;
  /** `policy.json`; undefined with `registriesOnly`. */
  readonly policyJson: string | undefined;
}

/** The files' names under a host's containers directory (`/etc/containers`). */
export const HOST_CONFIG_FILES = {
  registries: 'registries.d/sigmirror.yaml',
  policy: 'policy.json',
} as const;

/** One scope of both files. */
interface Entry {
  readonly scope: string;
  readonly lookaside: string;
  /** For a mirror: the registry its images were signed for. */
  readonly signedFor?: string;
}

/** Builds both files. Throws HostConfigError on any unusable option. */
export function hostConfig(options: HostConfigOptions): HostConfig {
  const base = mirrorBase(options.mirrorUrl);
  const entries = collectEntries(base, options.registries, options.mirrorOf ?? []);
  if (options.registriesOnly) {
    if (options.keys || options.defaultReject) {
      throw new HostConfigError('--registries-only generates no policy: drop the policy options');
    }
    return { mirrorUrl: base, registriesYaml: renderRegistries(base, entries), policyJson: undefined };
  }
  if (!options.keys) {
    throw new HostConfigError(
      "the policy needs the signers' public key: give --public-key (or --registries-only)",
    );
  }
  return {
    mirrorUrl: base,
    registriesYaml: renderRegistries(base, entries),
    policyJson: renderPolicy(entries, keyFields(options.keys), options.defaultReject ?? false),
  };
}

function collectEntries(base: string, registries: readonly string[], mirrorOf: readonly string[]): Entry[] {
  const given = new Map<string, string>();
  const add = (entry: Entry, flag: string) => {
    const earlier = given.get(entry.scope);
    if (earlier !== undefined) {
      throw new HostConfigError(`"${entry.scope}" is given twice (${earlier}, ${flag}): one entry per scope`);
    }
    given.set(entry.scope, flag);
    entries.push(entry);
  };
  const entries: Entry[] = [];
  for (const raw of registries) {
    const scope = scopeOf(raw, (why) => `--registry "${raw}": ${why}`);
    add(
      { scope: scope.name, lookaside: `${base}${MIRROR_ROUTE}/${lookasideSuffix(scope, scope)!}` },
      `--registry ${raw}`,
    );
  }
  for (const raw of mirrorOf) {
    const { mirror, registry, suffix } = parseMirrorOf(raw);
    add(
      { scope: mirror.name, lookaside: `${base}${MIRROR_ROUTE}/${suffix}`, signedFor: registry.name },
      `--mirror-of ${raw}`,
    );
  }
  if (!entries.length) throw new HostConfigError('nothing to configure: give --registry and/or --mirror-of');
  return entries.sort((a, b) => (a.scope < b.scope ? -1 : a.scope > b.scope ? 1 : 0));
}

function scopeOf(raw: string, message: (why: string) => string): Scope {
  try {
    return parseScope(raw);
  } catch (err) {
    if (err instanceof HostConfigError) throw new HostConfigError(message(err.message));
    throw err;
  }
}

/** `MIRROR=REGISTRY` → both scopes and the lookaside suffix. Throws HostConfigError. */
function parseMirrorOf(raw: string): { mirror: Scope; registry: Scope; suffix: string } {
  const parts = raw.split('=');
  if (parts.length !== 2 || !parts[0] || !parts[1]) {
    throw new HostConfigError(
      `--mirror-of "${raw}": expected MIRROR=REGISTRY, e.g. mirror.example.com:5000=registry.redhat.io`,
    );
  }
  const [m, r] = parts as [string, string];
  const mirror = scopeOf(m, (why) => `--mirror-of "${raw}": mirror "${m}": ${why}`);
  const registry = scopeOf(r, (why) => `--mirror-of "${raw}": registry "${r}": ${why}`);
  if (mirror.name === registry.name) {
    throw new HostConfigError(`--mirror-of "${raw}": the mirror is the registry itself; use --registry ${r}`);
  }
  const suffix = lookasideSuffix(mirror, registry);
  if (suffix === undefined) {
    throw new HostConfigError(
      `--mirror-of "${raw}": unsupported: hosts append the image's path on the mirror (${mirror.path}/…) to the lookaside URL, so the mirror's path must end the registry's (as in mirror.example.com/ubi9=registry.redhat.io/ubi9)`,
    );
  }
  return { mirror, registry, suffix };
}

/** signedBy's key fields: keyPath for one path, keyPaths for several, keyData for a keyring. */
function keyFields(keys: PolicyKeys): Record<string, unknown> {
  if ('keyring' in keys) {
    if (!keys.keyring.length) throw new HostConfigError('the embedded keyring is empty');
    return { keyData: Buffer.from(keys.keyring).toString('base64') };
  }
  const paths = [...new Set(keys.paths)];
  if (!paths.length) throw new HostConfigError('the policy needs at least one public key');
  const relative = paths.find((p) => !path.posix.isAbsolute(p));
  if (relative !== undefined) {
    throw new HostConfigError(`key path "${relative}" must be absolute: hosts read it from their own root`);
  }
  return paths.length === 1 ? { keyPath: paths[0] } : { keyPaths: paths };
}

function renderPolicy(
  entries: readonly Entry[],
  key: Record<string, unknown>,
  defaultReject: boolean,
): string {
  const docker: Record<string, unknown[]> = {};
  for (const e of entries) {
    const identity = e.signedFor
      ? { signedIdentity: { type: 'remapIdentity', prefix: e.scope, signedPrefix: e.signedFor } }
      : {};
    docker[e.scope] = [{ type: 'signedBy', keyType: 'GPGKeys', ...key, ...identity }];
  }
  const policy = {
    default: [{ type: defaultReject ? 'reject' : 'insecureAcceptAnything' }],
    transports: { docker },
  };
  return `${JSON.stringify(policy, null, 2)}\n`;
}

function renderRegistries(base: string, entries: readonly Entry[]): string {
  const lines = [
    `# Generated by sigmirror host-config for the mirror ${base}`,
    '# Hosts read the signatures of these scopes from the sigmirror lookaside mirror.',
    '# Regenerate rather than edit. No other registries.d file may define the same scopes.',
    'docker:',
  ];
  for (const e of entries) {
    lines.push(`  ${yamlScalar(e.scope)}:`);
    if (e.signedFor)
      lines.push(`    # a mirror of ${e.signedFor}: its images carry ${e.signedFor}'s signatures`);
    lines.push(`    lookaside: ${yamlScalar(e.lookaside)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** YAML 1.1 words yaml.v3 would not read as the string itself. */
const YAML_WORDS = /^(?:y|n|yes|no|on|off|true|false|null|~)$/i;

/**
 * A plain scalar when that is unambiguous for yaml.v3 (has a letter, safe characters only, not a
 * YAML word), else a double-quoted one (JSON string syntax is valid YAML). `127.0.0.1:5000` is
 * quoted: digits and colons could read as a number.
 */
function yamlScalar(s: string): string {
  const plain = /^[A-Za-z0-9][A-Za-z0-9._/@=%+~:-]*$/.test(s) && /[A-Za-z]/.test(s) && !YAML_WORDS.test(s);
  return plain && !s.endsWith(':') ? s : JSON.stringify(s);
}
