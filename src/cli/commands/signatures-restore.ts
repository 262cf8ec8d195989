/**
 * `sigmirror signatures restore`: lifts the tombstones `signatures remove` left, so the next import
 * or resync of the image may bring those signatures back (it does not fetch them itself).
 */
import type { Command } from 'commander';
import { CommandError } from '../exit-codes.js';
import { parseImage } from '../image-argument.js';
import { openConfiguredStore } from '../store.js';
import { imageReference } from '../../reference/index.js';

interface RestoreOptions {
  digest?: string[];
  all?: boolean;
  config?: string;
  json?: boolean;
}

const SHA256 = /^sha256:([0-9a-f]{64})$/;

export function registerRestore(signatures: Command): void {
  signatures
    .command('restore')
    .description('lift the tombstones of removed signatures: the next import may bring them back')
    .argument('<image>', 'registry/repository@sha256:<hex>')
    .option('--digest <sha256:hex...>', 'content digests of removed signatures (images describe lists them)')
    .option('--all', 'lift every tombstone of the image')
    .option('--config <file>', 'daemon config file (names Redis)')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Examples:
  sigmirror signatures restore quay.io/ns/app@sha256:<hex> --digest sha256:<content hex>
  sigmirror signatures restore quay.io/ns/app@sha256:<hex> --all --json
  sigmirror import quay.io/ns/app@sha256:<hex> --wait     # fetch them again now

Exit codes: 0 lifted (or none matched); 1 no Redis; 2 invalid arguments.`,
    )
    .action(async (reference: string, opts: RestoreOptions) => {
      const image = parseImage(reference);
      if (Boolean(opts.all) === Boolean(opts.digest?.length))
        throw new CommandError('give exactly one of --digest and --all', 'USAGE');
      const hashes = opts.all ? ('all' as const) : opts.digest!.map(parseContentDigest);
      const opened = await openConfiguredStore(opts.config, { index: 'required' });
      try {
        const lifted = await opened.tombstones!.restore(image, hashes);
        if (opts.json)
          console.log(JSON.stringify({ image: imageReference(image), restored: lifted }, null, 2));
        else
          console.log(
            `lifted ${lifted.length} tombstone(s) of ${imageReference(image)}; the next import may bring them back`,
          );
      } finally {
        await opened.close();
      }
    });
}

function parseContentDigest(value: string): string {
  const hex = SHA256.exec(value)?.[1];
  if (!hex) throw new CommandError(`--digest: "${value}" is not sha256:<64 hex>`, 'INVALID_ARGUMENT');
  return hex;
}
