/**
 * Finds, reads and validates the daemon config: `--config`, else SIGMIRROR_CONFIG, else
 * config/sigmirror.yaml (the embedded default), else built-in defaults. SIGMIRROR_* variables
 * override single fields (for systemd EnvironmentFile and containers).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { issueError, parseYamlSource, YamlSourceError, type YamlSource } from '../yaml-source/index.js';
import { daemonConfigSchema, type DaemonConfig } from './schema.js';

/** The embedded default, relative to the working directory. */
export const DEFAULT_CONFIG_PATH = 'config/sigmirror.yaml';

/** The loaded configuration and where it came from (logged at start). */
export interface LoadedConfig {
  readonly config: DaemonConfig;
  /** The file read, or undefined when only defaults apply. */
  readonly source: string | undefined;
}

/** Environment variables that override one field each, as [variable, path, kind]. */
const ENV_OVERRIDES: ReadonlyArray<readonly [string, readonly string[], 'string' | 'number' | 'boolean']> = [
  ['SIGMIRROR_REDIS_URL', ['redis', 'url'], 'string'],
  ['SIGMIRROR_REDIS_PREFIX', ['redis', 'prefix'], 'string'],
  ['SIGMIRROR_REGISTRIES_DIR', ['registriesDir'], 'string'],
  ['SIGMIRROR_STORE_PATH', ['store', 'path'], 'string'],
  ['SIGMIRROR_LISTEN_HOST', ['listen', 'host'], 'string'],
  ['SIGMIRROR_LISTEN_PORT', ['listen', 'port'], 'number'],
  ['SIGMIRROR_TOKENS_FILE', ['auth', 'tokensFile'], 'string'],
  ['SIGMIRROR_ANONYMOUS_READ', ['auth', 'anonymousRead'], 'boolean'],
  ['SIGMIRROR_LOG_LEVEL', ['log', 'level'], 'string'],
];

/** Loads the config; throws YamlSourceError naming file, line and key path on any problem. */
export function loadDaemonConfig(explicitPath?: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const file =
    explicitPath ??
    env.SIGMIRROR_CONFIG ??
    (existsSync(DEFAULT_CONFIG_PATH) ? DEFAULT_CONFIG_PATH : undefined);
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
  if (!parsed.success) throw configError(source, file ?? '(environment)', parsed.error);
  return { config: parsed.data, source: file };
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

function configError(source: YamlSource | undefined, file: string, error: z.ZodError): YamlSourceError {
  const first = issueError(source, file, error.issues[0]!);
  if (error.issues.length === 1) return first;
  return new YamlSourceError(file, first.line, `${first.detail} (and ${error.issues.length - 1} more)`);
}
