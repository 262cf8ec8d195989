/**
 * The trusted keys of a `signedBy` requirement: the keyPath file, every keyPaths file, or the
 * base64 keyData (policy_eval_signedby.go). As there, any file that cannot be read or parsed makes
 * the requirement reject, and so does a key set with no key ("No public keys imported").
 */
import { Keyring, KeyError, type KeySource } from '../signature/index.js';
import type { KeysOutcome } from './result.js';
import type { SignedByRequirement } from './schema.js';

/** The loaded keyring, or why there is none; with what to report either way. */
export type LoadedKeys =
  | { readonly keyring: Keyring; readonly report: KeysOutcome }
  | { readonly keyring: undefined; readonly report: KeysOutcome & { readonly error: string } };

/** containers/image's text when the key set is empty. */
export const NO_KEYS = 'No public keys imported';

export async function loadSignedByKeys(
  req: SignedByRequirement,
  readKeyFile: (path: string) => Promise<Uint8Array>,
): Promise<LoadedKeys> {
  const paths = req.keyPath !== undefined ? [req.keyPath] : (req.keyPaths ?? []);
  const names = req.keyData !== undefined ? ['keyData'] : paths;
  const failed = (error: string): LoadedKeys => ({
    keyring: undefined,
    report: { sources: names, fingerprints: [], error },
  });
  const sources: KeySource[] = [];
  if (req.keyData !== undefined) sources.push({ name: 'keyData', bytes: Buffer.from(req.keyData, 'base64') });
  for (const path of paths) {
    try {
      sources.push({ name: path, bytes: await readKeyFile(path) });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      return failed(`cannot read public key file ${path}: ${e.code ?? e.message}`);
    }
  }
  try {
    const keyring = await Keyring.read(sources);
    return { keyring, report: { sources: names, fingerprints: keyring.fingerprints, error: undefined } };
  } catch (err) {
    if (!(err instanceof KeyError)) throw err;
    // An empty key set (keyPaths: [], or files holding no key) in containers/image's words.
    return failed(err.message === 'no public keys given' ? NO_KEYS : err.message);
  }
}
