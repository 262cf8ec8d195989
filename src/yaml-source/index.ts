/**
 * YAML files with source positions: parse once, then map a key path (from a schema issue or an
 * unknown key) back to `file:line`. Shared by the daemon config, registries.d and the tokens file.
 */
import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';

/** A parsed YAML file: its plain value plus a way to find lines. */
export interface YamlSource {
  readonly file: string;
  /** The document as plain JS (aliases resolved, `<<` merges applied); undefined for an empty file. */
  readonly value: unknown;
  /** 1-based line of the key (or value) at `path`; the nearest existing ancestor when absent. */
  lineOf(path: ReadonlyArray<PropertyKey>): number | undefined;
}

/** One mistake in a file: where, and what. */
export interface YamlProblem {
  readonly line: number | undefined;
  readonly detail: string;
}

/**
 * YAML syntax errors, or a document that does not fit its schema: every problem, each as
 * `file:line: detail` on its own line of the message. `line` and `detail` are the first one's.
 */
export class YamlSourceError extends Error {
  override readonly name = 'YamlSourceError';
  readonly problems: readonly YamlProblem[];
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly detail: string,
    more: readonly YamlProblem[] = [],
  ) {
    const problems = [{ line, detail }, ...more];
    super(problems.map((p) => `${file}${p.line !== undefined ? `:${p.line}` : ''}: ${p.detail}`).join('\n'));
    this.problems = problems;
  }

  /** The error listing `problems` (at least one), in line order. */
  static of(file: string, problems: readonly YamlProblem[]): YamlSourceError {
    const [first, ...rest] = [...problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    return new YamlSourceError(file, first!.line, first!.detail, rest);
  }
}

/** Most aliases a document may expand: a guard against "billion laughs" inputs. */
const MAX_ALIAS_COUNT = 100;

/** Parses `text` (read from `file`); throws YamlSourceError on invalid YAML. */
export function parseYamlSource(file: string, text: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, merge: true, prettyErrors: true });
  if (doc.errors.length) {
    const problems = doc.errors.map((e) => ({
      line: e.linePos?.[0]?.line,
      detail: `invalid YAML: ${(e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}`,
    }));
    throw YamlSourceError.of(file, problems);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? undefined;
  } catch (err) {
    throw new YamlSourceError(file, undefined, `invalid YAML: ${(err as Error).message}`);
  }
  return { file, value, lineOf: (path) => lineOf(doc, lineCounter, path) };
}

function lineOf(doc: Document, lc: LineCounter, path: ReadonlyArray<PropertyKey>): number | undefined {
  let node: unknown = doc.contents;
  let line = startLine(node, lc);
  for (const key of path) {
    if (isSeq(node)) {
      node = node.items[Number(key)];
      if (node === undefined) break;
      line = startLine(node, lc) ?? line;
      continue;
    }
    if (!isMap(node)) break;
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(key));
    if (!pair) break;
    line = startLine(pair.key, lc) ?? line;
    node = pair.value;
  }
  return line;
}

function startLine(node: unknown, lc: LineCounter): number | undefined {
  const range = (node as Node | null)?.range;
  return range ? lc.linePos(range[0]).line : undefined;
}

/** A schema issue (zod's shape), as far as the messages need it. */
export interface SchemaIssue {
  readonly path: PropertyKey[];
  readonly message: string;
  readonly code?: string;
  readonly keys?: string[];
}

/**
 * The problems of one schema issue: `key.path: message` at the key's line. An issue naming several
 * unknown keys is one problem per key, each at its own line.
 */
export function issueProblems(source: YamlSource | undefined, issue: SchemaIssue): YamlProblem[] {
  const paths =
    issue.code === 'unrecognized_keys' && issue.keys?.length
      ? issue.keys.map((key) => [...issue.path, key])
      : [issue.path];
  return paths.map((at) => {
    const prefix = at.length ? `${at.map(String).join('.')}: ` : '';
    const message = paths.length > 1 ? `Unrecognized key: "${String(at[at.length - 1])}"` : issue.message;
    return { line: source?.lineOf(at), detail: `${prefix}${message}` };
  });
}

/** A schema issue as the tools print it: `file:line: key.path: message` (an unknown key included in the path). */
export function issueError(
  source: YamlSource | undefined,
  file: string,
  issue: SchemaIssue,
): YamlSourceError {
  return YamlSourceError.of(file, issueProblems(source, issue));
}

/** Every issue of a failed schema check, each with its line (a file with several mistakes names them all). */
export function schemaError(
  source: YamlSource | undefined,
  file: string,
  issues: readonly SchemaIssue[],
): YamlSourceError {
  return YamlSourceError.of(
    file,
    issues.flatMap((issue) => issueProblems(source, issue)),
  );
}
