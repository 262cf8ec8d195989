/** `--manifest M | --digest D`: the image digest a command signs or checks, from exactly one of them. */
import { readFile } from 'node:fs/promises';
import { digestProblem } from '../reference/index.js';
import { ManifestError, manifestDigest } from '../signature/index.js';
import { CommandError } from './exit-codes.js';

export async function digestFromOptions(opts: {
  manifest?: string | undefined;
  digest?: string | undefined;
}): Promise<string> {
  if (Boolean(opts.manifest) === Boolean(opts.digest))
    throw new CommandError('give exactly one of --manifest and --digest', 'USAGE');
  if (opts.digest) {
    const problem = digestProblem(opts.digest);
    if (problem) throw new CommandError(`--digest: ${problem}`, 'INVALID_ARGUMENT');
    return opts.digest;
  }
  const bytes = await readFile(opts.manifest!).catch((err: NodeJS.ErrnoException) => {
    throw new CommandError(
      `cannot read manifest ${opts.manifest}: ${err.code ?? err.message}`,
      'UNREADABLE_FILE',
    );
  });
  try {
    return manifestDigest(bytes);
  } catch (err) {
    if (err instanceof ManifestError)
      throw new CommandError(
        `cannot compute the digest of ${opts.manifest}: ${err.message}`,
        'MANIFEST_INVALID',
      );
    throw err;
  }
}
