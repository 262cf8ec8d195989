/**
 * policy.json as containers/image reads it: strict JSON (internal/json.go
 * ParanoidUnmarshalJSONObject), where a duplicated key is an error, plus the line of every key so
 * messages can say `file:line`. JSON.parse checks the syntax; a scan of the (then valid) text
 * finds duplicates and lines, which JSON.parse hides. Pure.
 */

/** Deepest nesting a policy may have (real ones reach 6: transports → docker → scope → [i] → signedIdentity). */
export const MAX_POLICY_DEPTH = 32;

/** One step of a JSON path: an object key or an array index. */
export type JsonPathStep = string | number;

/** A syntax error, a duplicated key or too deep a nesting; `path` is where, when known. */
export class JsonDocumentError extends Error {
  override readonly name = 'JsonDocumentError';
  constructor(
    readonly path: readonly JsonPathStep[],
    readonly line: number | undefined,
    readonly detail: string,
  ) {
    super(detail);
  }
}

/** A parsed document and the 1-based line of each key or array element. */
export interface JsonDocument {
  readonly value: unknown;
  /** The line of the deepest existing step of `path`; undefined for the root. */
  lineOf(path: readonly JsonPathStep[]): number | undefined;
}

/** Parses `text`; throws JsonDocumentError. */
export function parseJsonDocument(text: string): JsonDocument {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new JsonDocumentError([], undefined, `invalid JSON: ${(err as Error).message}`);
  }
  const lines = new Scanner(text).lines();
  return {
    value,
    lineOf(path) {
      for (let n = path.length; n > 0; n--) {
        const line = lines.get(JSON.stringify(path.slice(0, n)));
        if (line !== undefined) return line;
      }
      return undefined;
    },
  };
}

/** Walks text JSON.parse accepted, so it only needs to find token boundaries. */
class Scanner {
  private i = 0;
  private line = 1;
  private readonly found = new Map<string, number>();

  constructor(private readonly text: string) {}

  lines(): Map<string, number> {
    this.value([]);
    return this.found;
  }

  private skipSpace(): void {
    for (let c = this.text[this.i]; c === ' ' || c === '\t' || c === '\r' || c === '\n';) {
      if (c === '\n') this.line++;
      c = this.text[++this.i];
    }
  }

  private value(path: JsonPathStep[]): void {
    if (path.length > MAX_POLICY_DEPTH)
      throw new JsonDocumentError(path, this.line, `nested deeper than ${MAX_POLICY_DEPTH} levels`);
    this.skipSpace();
    const c = this.text[this.i];
    if (c === '{') this.object(path);
    else if (c === '[') this.array(path);
    else if (c === '"') this.string();
    else while (this.i < this.text.length && !/[\s,\]}]/.test(this.text[this.i]!)) this.i++;
  }

  /** A string token (valid JSON strings hold no raw newline); returns its value. */
  private string(): string {
    const start = this.i++;
    while (this.text[this.i] !== '"') this.i += this.text[this.i] === '\\' ? 2 : 1;
    this.i++;
    return JSON.parse(this.text.slice(start, this.i)) as string;
  }

  private object(path: JsonPathStep[]): void {
    const seen = new Set<string>();
    this.i++;
    this.skipSpace();
    while (this.text[this.i] !== '}') {
      this.skipSpace();
      const line = this.line;
      const key = this.string();
      const at = [...path, key];
      if (seen.has(key)) throw new JsonDocumentError(at, line, `duplicate key "${key}"`);
      seen.add(key);
      this.found.set(JSON.stringify(at), line);
      this.skipSpace();
      this.i++; // ':'
      this.value(at);
      this.skipSpace();
      if (this.text[this.i] === ',') this.i++;
    }
    this.i++;
  }

  private array(path: JsonPathStep[]): void {
    this.i++;
    this.skipSpace();
    for (let index = 0; this.text[this.i] !== ']'; index++) {
      this.skipSpace();
      this.found.set(JSON.stringify([...path, index]), this.line);
      this.value([...path, index]);
      this.skipSpace();
      if (this.text[this.i] === ',') this.i++;
    }
    this.i++;
  }
}

/** `transports.docker["reg.example.com/ns"][0].keyPath`: keys that are identifiers use dots. */
export function formatJsonPath(path: readonly JsonPathStep[]): string {
  let out = '';
  for (const step of path) {
    if (typeof step === 'number') out += `[${step}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(step)) out += out ? `.${step}` : step;
    else out += `[${JSON.stringify(step)}]`;
  }
  return out || '(top level)';
}
