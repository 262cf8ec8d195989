/**
 * `sigmirror signatures remove`: the only way to delete signatures (admin). The remaining ones are
 * renumbered 1..k so the lookaside stays contiguous; asks before doing it unless --yes.
 */
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { ReferenceError } from '../../reference/index.js';
import { imageKeyFromReference, imageKeyString } from '../../store/index.js';
import { CommandError } from '../exit-codes.js';
import { openConfiguredStore } from '../store.js';

interface RemoveOptions {
  index?: string[];
  all?: boolean;
  yes?: boolean;
  config?: string;
  json?: boolean;
}

export function registerSignatures(program: Command): void {
  const signatures = program
    .command('signatures')
    .description('manage stored signatures (admin)')
    .addHelpText(
      'after',
      `
Examples:
  sigmirror signatures remove quay.io/ns/app@sha256:<hex> --index 2
  sigmirror signatures remove --help

Exit codes: 0 the subcommand succeeded; 1 it failed (its --help says when); 2 a missing or
unknown subcommand, or invalid arguments.`,
    );
  signatures
    .command('remove')
    .description('delete stored signatures of an image; the others are renumbered')
    .argument('<image>', 'registry/repository@sha256:<hex>')
    .option('--index <n...>', 'signature indices to remove (signature-<n>)')
    .option('--all', 'remove every signature of the image')
    .option('--yes', 'do not ask for confirmation')
    .option('--config <file>', 'daemon config file (names the store)')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Examples:
  sigmirror signatures remove quay.io/ns/app@sha256:<hex> --index 2
  sigmirror signatures remove quay.io/ns/app@sha256:<hex> --all --yes --json

Exit codes: 0 removed (or nothing to remove); 1 not confirmed; 2 invalid arguments.`,
    )
    .action(async (reference: string, opts: RemoveOptions) => {
      let image;
      try {
        image = imageKeyFromReference(reference);
      } catch (err) {
        if (err instanceof ReferenceError) throw new CommandError(err.message, 'INVALID_ARGUMENT');
        throw err;
      }
      if (Boolean(opts.all) === Boolean(opts.index?.length))
        throw new CommandError('give exactly one of --index and --all', 'USAGE');
      const indices = opts.all ? ('all' as const) : parseIndices(opts.index!);
      const opened = await openConfiguredStore(opts.config, { index: 'optional' });
      const store = opened.store;
      try {
        const present = (await store.list(image)).map((s) => s.index);
        const doomed = indices === 'all' ? present : indices.filter((i) => present.includes(i));
        const missing = indices === 'all' ? [] : indices.filter((i) => !present.includes(i));
        if (missing.length)
          throw new CommandError(
            `${imageKeyString(image)} has no signature-${missing.join(', signature-')}`,
            'SIGNATURE_UNKNOWN',
          );
        if (doomed.length && !opts.yes && !process.stdin.isTTY)
          throw new CommandError(
            'not confirmed (stdin is not a terminal: use --yes); nothing removed',
            'NOT_CONFIRMED',
          );
        if (doomed.length && !opts.yes && !(await confirm(image, doomed)))
          throw new CommandError('not confirmed; nothing removed', 'NOT_CONFIRMED');
        const removed = doomed.length ? await store.remove(image, indices) : 0;
        if (opts.json)
          console.log(JSON.stringify({ image: imageKeyString(image), removed, indices: doomed }, null, 2));
        else console.log(`removed ${removed} signature(s) of ${imageKeyString(image)}`);
      } finally {
        await opened.close();
      }
    });
}

function parseIndices(values: string[]): number[] {
  return values.map((v) => {
    if (!/^[1-9][0-9]{0,5}$/.test(v))
      throw new CommandError(`--index: "${v}" is not a signature index`, 'INVALID_ARGUMENT');
    return Number(v);
  });
}

async function confirm(image: Parameters<typeof imageKeyString>[0], indices: number[]): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const list = indices.map((i) => `signature-${i}`).join(', ');
    const answer = await rl.question(`Remove ${list} of ${imageKeyString(image)}? Type "yes": `);
    return answer.trim() === 'yes';
  } finally {
    rl.close();
  }
}
