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

/** A YAML syntax error, or a document that does not fit its schema; names file and line. */
export class YamlSourceError extends Error {
  override readonly name = 'YamlSourceError';
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly detail: string,
  ) {
    super(`${file}${line !== undefined ? `:${line}` : ''}: ${detail}`);
  }
}

/** Most aliases a document may expand: a guard against "billion laughs" inputs. */
const MAX_ALIAS_COUNT = 100;

/** Parses `text` (read from `file`); throws YamlSourceError on invalid YAML. */
export function parseYamlSource(file: string, text: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, merge: true, prettyErrors: true });
  const first = doc.errors[0];
  if (first) {
    const line = first.linePos?.[0]?.line;
    const message = (first.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    throw new YamlSourceError(file, line, `invalid YAML: ${message}`);
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

/** A schema issue as the tools print it: `file:line: key.path: message` (an unknown key included in the path). */
export function issueError(
  source: YamlSource | undefined,
  file: string,
  issue: { path: PropertyKey[]; message: string; code?: string; keys?: string[] },
): YamlSourceError {
  const at =
    issue.code === 'unrecognized_keys' && issue.keys?.length ? [...issue.path, issue.keys[0]!] : issue.path;
  const prefix = at.length ? `${at.map(String).join('.')}: ` : '';
  return new YamlSourceError(file, source?.lineOf(at), `${prefix}${issue.message}`);
}
