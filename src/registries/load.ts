/**
 * registries.d directory → one merged, immutable configuration, as containers/image's
 * loadAndMergeConfig does it. Pure apart from reading the directory: re-runnable at any time.
 * Keep in sync with docs/spec/registries-d.md §Files.
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { YamlSourceError, issueProblems, parseYamlSource, type YamlSource } from '../yaml-source/index.js';
import { closestKey, type ConfigProblem } from './problems.js';
import { FILE_KEYS, NAMESPACE_KEYS, registriesFileSchema, type NamespaceConfig } from './schema.js';
import { lookasideUrlProblem } from './url.js';

/** Where a scope (or default-docker) is defined, and what it says. */
export interface ScopeEntry {
  /** The scope string, or `default-docker`. */
  readonly scope: string;
  readonly file: string;
  readonly line: number | undefined;
  readonly ns: NamespaceConfig;
}

/** The merged configuration of a directory. */
export interface RegistriesConfig {
  readonly dir: string;
  /** Scopes of all files' `docker` maps, by scope string (the lookup is a map walk). */
  readonly scopes: ReadonlyMap<string, ScopeEntry>;
  readonly defaultDocker: ScopeEntry | undefined;
  /** The files that were read, sorted. */
  readonly files: readonly string[];
}

/** The outcome of a load: a config only when there are no errors. */
export interface LoadResult {
  readonly config: RegistriesConfig | undefined;
  readonly errors: readonly ConfigProblem[];
  readonly warnings: readonly ConfigProblem[];
}

/** Loads and merges every `*.yaml` entry of `dir`; a missing directory is an empty configuration. */
export async function loadRegistriesDir(dir: string): Promise<LoadResult> {
  const errors: ConfigProblem[] = [];
  const warnings: ConfigProblem[] = [];
  const scopes = new Map<string, ScopeEntry>();
  let defaultDocker: ScopeEntry | undefined;
  const names = await listYamlNames(dir, errors);
  const files: string[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    const source = await readSource(file, errors);
    if (!source) continue;
    files.push(file);
    const parsed = registriesFileSchema.safeParse(source.value);
    if (!parsed.success) {
      errors.push(...schemaProblems(source, parsed.error));
      continue;
    }
    warnings.push(...unknownKeyWarnings(source));
    const dd = parsed.data['default-docker'];
    if (dd) {
      const entry: ScopeEntry = {
        scope: 'default-docker',
        file,
        line: source.lineOf(['default-docker']),
        ns: dd,
      };
      if (defaultDocker) errors.push(duplicate('"default-docker"', defaultDocker, entry));
      else defaultDocker = entry;
    }
    for (const [scope, ns] of Object.entries(parsed.data.docker ?? {})) {
      const entry: ScopeEntry = { scope, file, line: source.lineOf(['docker', scope]), ns };
      const existing = scopes.get(scope);
      if (existing) errors.push(duplicate(`"docker" namespace "${scope}"`, existing, entry));
      else scopes.set(scope, entry);
    }
  }
  warnings.push(...urlWarnings([...scopes.values(), ...(defaultDocker ? [defaultDocker] : [])]));
  const config = errors.length ? undefined : { dir, scopes, defaultDocker, files };
  return { config, errors, warnings };
}

/** Entry names ending in `.yaml` (not `.yml`; hidden names count), sorted for stable messages. */
async function listYamlNames(dir: string, errors: ConfigProblem[]): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((n) => n.endsWith('.yaml')).sort();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') errors.push({ file: dir, message: `cannot read directory: ${code ?? err}` });
    return [];
  }
}

/** Reads and parses one file; a file that vanished since the listing is skipped. */
async function readSource(file: string, errors: ConfigProblem[]): Promise<YamlSource | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') errors.push({ file, message: `cannot read file: ${code ?? err}` });
    return undefined;
  }
  try {
    return parseYamlSource(file, text);
  } catch (err) {
    if (!(err instanceof YamlSourceError)) throw err;
    errors.push(...err.problems.map((p) => ({ file, line: p.line, message: p.detail })));
    return undefined;
  }
}

function schemaProblems(source: YamlSource, error: z.ZodError): ConfigProblem[] {
  return error.issues.flatMap((issue) =>
    issueProblems(source, issue).map((p) => ({ file: source.file, line: p.line, message: p.detail })),
  );
}

function duplicate(what: string, first: ScopeEntry, second: ScopeEntry): ConfigProblem {
  const where = (e: ScopeEntry) => `"${e.file}"${e.line !== undefined ? ` (line ${e.line})` : ''}`;
  return {
    file: second.file,
    line: second.line,
    message: `Error parsing signature storage configuration: ${what} defined both in ${where(first)} and ${where(second)}`,
  };
}

/** Unknown keys are accepted (as containers/image does) but are usually typos: warn with a hint. */
function unknownKeyWarnings(source: YamlSource): ConfigProblem[] {
  const found: ConfigProblem[] = [];
  const check = (value: unknown, known: readonly string[], at: string[]) => {
    if (!value || typeof value !== 'object') return;
    for (const key of Object.keys(value)) {
      if (known.includes(key)) continue;
      const hint = closestKey(key, known);
      const where = at.length ? ` in ${at.join('.')}` : '';
      found.push({
        file: source.file,
        line: source.lineOf([...at, key]),
        message: `unknown key "${key}"${where} is ignored${hint ? ` (did you mean "${hint}"?)` : ''}`,
      });
    }
  };
  const top = source.value as Record<string, unknown> | undefined;
  check(top, FILE_KEYS, []);
  check(top?.['default-docker'], NAMESPACE_KEYS, ['default-docker']);
  const docker = top?.docker;
  if (docker && typeof docker === 'object') {
    for (const [scope, ns] of Object.entries(docker)) check(ns, NAMESPACE_KEYS, ['docker', scope]);
  }
  return found;
}

/** An unusable URL is not an error for the directory, only for the references that resolve to it. */
function urlWarnings(entries: ScopeEntry[]): ConfigProblem[] {
  const found: ConfigProblem[] = [];
  for (const entry of entries) {
    for (const key of ['lookaside', 'lookaside-staging', 'sigstore', 'sigstore-staging'] as const) {
      const url = entry.ns[key];
      const problem = url ? lookasideUrlProblem(url) : undefined;
      if (problem) {
        found.push({
          file: entry.file,
          line: entry.line,
          message: `scope "${entry.scope}" ${key}: ${problem} (references using this scope will fail)`,
        });
      }
    }
  }
  return found;
}
