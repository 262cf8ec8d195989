/**
 * Finds, reads and validates the daemon config: `--config`, else SIGMIRROR_CONFIG, else
 * config/sigmirror.yaml of the installation (the embedded default), else built-in defaults.
 * SIGMIRROR_* variables override single fields (for systemd EnvironmentFile and containers).
 * Relative paths of the embedded default are relative to the installation; those of a file given
 * by name (and of SIGMIRROR_* variables) to the working directory.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseYamlSource, schemaError, YamlSourceError, type YamlSource } from '../yaml-source/index.js';
import { INSTALL_DIR } from './install-dir.js';
import { daemonConfigSchema, type DaemonConfig } from './schema.js';

/** The embedded default: config/sigmirror.yaml of the installation, wherever the command runs. */
export const DEFAULT_CONFIG_PATH = path.join(INSTALL_DIR, 'config', 'sigmirror.yaml');

/** The loaded configuration and where it came from (logged at start). */
export interface LoadedConfig {
  readonly config: DaemonConfig;
  /** The file read, or undefined when only defaults apply. */
  readonly source: string | undefined;
  /** The directory relative paths were resolved against: the installation for the embedded default. */
  readonly base: string | undefined;
}

/** Environment variables that override one field each, as [variable, path, kind]. */
const ENV_OVERRIDES: ReadonlyArray<readonly [string, readonly string[], 'string' | 'number' | 'boolean']> = [
  ['SIGMIRROR_REDIS_URL', ['redis', 'url'], 'string'],
  ['SIGMIRROR_REDIS_PREFIX', ['redis', 'prefix'], 'string'],
  ['SIGMIRROR_REGISTRIES_DIR', ['registriesDir'], 'string'],
  ['SIGMIRROR_STORE_PATH', ['store', 'path'], 'string'],
  ['SIGMIRROR_STORE_GROUP_COMMIT', ['store', 'groupCommit'], 'boolean'],
  ['SIGMIRROR_LISTEN_HOST', ['listen', 'host'], 'string'],
  ['SIGMIRROR_LISTEN_PORT', ['listen', 'port'], 'number'],
  ['SIGMIRROR_TOKENS_FILE', ['auth', 'tokensFile'], 'string'],
  ['SIGMIRROR_ANONYMOUS_READ', ['auth', 'anonymousRead'], 'boolean'],
  ['SIGMIRROR_LOG_LEVEL', ['log', 'level'], 'string'],
];

/** Loads the config; throws YamlSourceError naming file, line and key path on any problem. */
export function loadDaemonConfig(explicitPath?: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const named = explicitPath ?? (env.SIGMIRROR_CONFIG || undefined);
  const file = named ?? (existsSync(DEFAULT_CONFIG_PATH) ? DEFAULT_CONFIG_PATH : undefined);
  let source: YamlSource | undefined;
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new YamlSourceError(
        file,
        undefined,
        `cannot read config: ${(err as NodeJS.ErrnoException).code ?? err}`,
      );
    }
    source = parseYamlSource(path.resolve(file), text);
  }
  const raw = structuredClone(source?.value ?? {}) as Record<string, unknown>;
  applyEnv(raw, env);
  const parsed = daemonConfigSchema.safeParse(raw);
  if (!parsed.success) throw schemaError(source, file ?? '(environment)', parsed.error.issues);
  if (named !== undefined) return { config: parsed.data, source: file, base: undefined };
  return { config: anchorPaths(parsed.data, INSTALL_DIR, env), source: file, base: INSTALL_DIR };
}

/** The embedded default's relative paths, resolved against `base`; a path from a variable stays as given. */
function anchorPaths(config: DaemonConfig, base: string, env: NodeJS.ProcessEnv): DaemonConfig {
  const anchor = (p: string) => path.resolve(base, p);
  const fromEnv = (name: string) => Boolean(env[name]);
  const tokensFile = config.auth.tokensFile;
  return {
    ...config,
    registriesDir: fromEnv('SIGMIRROR_REGISTRIES_DIR') ? config.registriesDir : anchor(config.registriesDir),
    store: {
      ...config.store,
      path: fromEnv('SIGMIRROR_STORE_PATH') ? config.store.path : anchor(config.store.path),
    },
    auth: {
      ...config.auth,
      tokensFile:
        tokensFile === undefined || fromEnv('SIGMIRROR_TOKENS_FILE') ? tokensFile : anchor(tokensFile),
    },
    certsDirs: config.certsDirs.map(anchor),
    verify: { keys: Object.fromEntries(Object.entries(config.verify.keys).map(([k, v]) => [k, anchor(v)])) },
  };
}

function applyEnv(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): void {
  for (const [name, keyPath, kind] of ENV_OVERRIDES) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    let node = raw;
    for (const key of keyPath.slice(0, -1)) {
      if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    const typed = kind === 'number' ? Number(value) : kind === 'boolean' ? value === 'true' : value;
    node[keyPath[keyPath.length - 1]!] = typed;
  }
}
