/** Key files → Keyring, with errors that name the file (a missing file is not a crypto problem). */
import { readFile } from 'node:fs/promises';
import { Keyring, KeyError } from '../signature/index.js';

export async function loadKeyring(files: readonly string[]): Promise<Keyring> {
  const sources = [];
  for (const name of files) {
    try {
      sources.push({ name, bytes: new Uint8Array(await readFile(name)) });
    } catch (err) {
      throw new KeyError(
        `cannot read public key file ${name}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      );
    }
  }
  return Keyring.read(sources);
}
