/**
 * Reading policy.json and key files from disk: the only I/O of src/policy, kept apart so that
 * parsing and evaluation stay pure and testable. Paths are used as written (relative ones against
 * the working directory), as containers/image does (os.ReadFile in NewPolicyFromFile and signedBy).
 */
import { readFile } from 'node:fs/promises';
import { parsePolicy, PolicyParseError, type Policy } from './parse.js';

/** Reads and parses a policy file; throws PolicyParseError (unreadable files included). */
export async function readPolicyFile(file: string): Promise<Policy> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new PolicyParseError(file, [
      { path: '', line: undefined, message: `cannot read: ${e.code ?? e.message}` },
    ]);
  }
  return parsePolicy(text, file);
}

/** The key reader hosts have: the file at the path as written. */
export async function readKeyFileFromDisk(path: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(path));
}
