/**
 * API tokens: a YAML file of `{name, sha256, roles}` entries (the token itself is never stored).
 * WARNING: a presented token is hashed and compared in constant time against every entry, and
 * never logged; keep it that way.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { z } from 'zod';
import { parseYamlSource, schemaError, YamlSourceError, type YamlProblem } from '../yaml-source/index.js';

/** Roles, with OpenShift's equivalents: reader (image-puller), signer (image-signer), auditor, importer, admin. */
export const ROLES = ['reader', 'signer', 'auditor', 'importer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const tokensFileSchema = z.strictObject({
  tokens: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        sha256: z.string().regex(/^[a-f0-9]{64}$/, 'expected the sha256 of the token as 64 lowercase hex'),
        roles: z.array(z.enum(ROLES)).min(1),
      }),
    )
    .default([]),
});

/** Who a valid token belongs to. */
export interface Principal {
  readonly name: string;
  readonly roles: ReadonlySet<Role>;
}

/** An immutable set of tokens. */
export class TokenSet {
  private constructor(private readonly entries: ReadonlyArray<{ hash: Buffer; principal: Principal }>) {}

  static readonly EMPTY = new TokenSet([]);

  /** Parses a tokens file's text; throws YamlSourceError naming file, line and key path. */
  static parse(file: string, text: string): TokenSet {
    const source = parseYamlSource(file, text);
    const parsed = tokensFileSchema.safeParse(source.value ?? {});
    // Every mistake at once, each with its line, as for the daemon config.
    if (!parsed.success) throw schemaError(source, file, parsed.error.issues);
    const names = new Set<string>();
    const duplicates: YamlProblem[] = [];
    const entries = parsed.data.tokens.map((t, i) => {
      if (names.has(t.name))
        duplicates.push({ line: source.lineOf(['tokens', i]), detail: `duplicate token name "${t.name}"` });
      names.add(t.name);
      return { hash: Buffer.from(t.sha256, 'hex'), principal: { name: t.name, roles: new Set(t.roles) } };
    });
    if (duplicates.length) throw YamlSourceError.of(file, duplicates);
    return new TokenSet(entries);
  }

  /**
   * Reads and parses the file. WARNING: a file others may write would let them grant themselves
   * any role: group- or world-writable files are refused; `onWarning` hears of a world-readable one.
   */
  static async load(file: string, onWarning?: (message: string) => void): Promise<TokenSet> {
    const { mode } = await stat(file);
    if (mode & 0o022)
      throw new Error(
        `tokens file ${file} is writable by ${mode & 0o002 ? 'everyone' : 'its group'} (mode ${octal(mode)}): refused; run chmod 600 ${file}`,
      );
    if (mode & 0o004)
      onWarning?.(
        `tokens file ${file} is readable by everyone (mode ${octal(mode)}); chmod 600 ${file} is safer`,
      );
    return TokenSet.parse(file, await readFile(file, 'utf8'));
  }

  get size(): number {
    return this.entries.length;
  }

  /** The principal of `token`, or undefined. Every entry is compared, in constant time each. */
  authenticate(token: string): Principal | undefined {
    const presented = createHash('sha256').update(token, 'utf8').digest();
    let found: Principal | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(presented, entry.hash) && !found) found = entry.principal;
    }
    return found;
  }
}

/** sha256 hex of a token, as the tokens file stores it. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

const octal = (mode: number) => `0${(mode & 0o777).toString(8)}`;
