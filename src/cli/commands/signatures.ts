/**
 * `sigmirror signatures remove`: the only way to delete signatures (admin). The remaining ones are
 * renumbered 1..k so the lookaside stays contiguous; asks before doing it unless --yes. Each
 * removal leaves a tombstone (content digest, who, when) that imports and resyncs respect, until
 * `sigmirror signatures restore` lifts it.
 */
import { userInfo } from 'node:os';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { removeWithTombstones, type ImageKey } from '../../store/index.js';
import { CommandError } from '../exit-codes.js';
import { parseImage } from '../image-argument.js';
import { openConfiguredStore } from '../store.js';
import { registerRestore } from './signatures-restore.js';
import { imageReference } from '../../reference/index.js';

interface RemoveOptions {
  index?: string[];
  all?: boolean;
  yes?: boolean;
  by?: string;
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
  sigmirror signatures restore quay.io/ns/app@sha256:<hex> --all
  sigmirror signatures remove --help

Exit codes: 0 the subcommand succeeded; 1 it failed (its --help says when); 2 a missing or
unknown subcommand, or invalid arguments.`,
    );
  registerRemove(signatures);
  registerRestore(signatures);
}

function registerRemove(signatures: Command): void {
  signatures
    .command('remove')
    .description(
      'delete stored signatures of an image (the others are renumbered); imports and resyncs do not bring them back',
    )
    .argument('<image>', 'registry/repository@sha256:<hex>')
    .option('--index <n...>', 'signature indices to remove (signature-<n>)')
    .option('--all', 'remove every signature of the image')
    .option('--yes', 'do not ask for confirmation')
    .option('--by <name>', 'who removes them, recorded in the tombstone (default: the OS user)')
    .option('--config <file>', 'daemon config file (names the store and Redis)')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Examples:
  sigmirror signatures remove quay.io/ns/app@sha256:<hex> --index 2
  sigmirror signatures remove quay.io/ns/app@sha256:<hex> --all --yes --json

Each removed signature is tombstoned by its content digest, with who and when, in the daemon's
Redis: imports and resyncs skip it, \`images describe\` lists it, and \`signatures restore\` lifts it.
Exit codes: 0 removed (or nothing to remove); 1 not confirmed, or no Redis; 2 invalid arguments.`,
    )
    .action(removeCommand);
}

function parseIndices(values: string[]): number[] {
  return values.map((v) => {
    if (!/^[1-9][0-9]{0,5}$/.test(v))
      throw new CommandError(`--index: "${v}" is not a signature index`, 'INVALID_ARGUMENT');
    return Number(v);
  });
}

async function confirm(image: ImageKey, indices: number[]): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const list = indices.map((i) => `signature-${i}`).join(', ');
    const answer = await rl.question(`Remove ${list} of ${imageReference(image)}? Type "yes": `);
    return answer.trim() === 'yes';
  } finally {
    rl.close();
  }
}

async function removeCommand(reference: string, opts: RemoveOptions): Promise<void> {
  const image = parseImage(reference);
  if (Boolean(opts.all) === Boolean(opts.index?.length))
    throw new CommandError('give exactly one of --index and --all', 'USAGE');
  const indices = opts.all ? ('all' as const) : parseIndices(opts.index!);
  // Required: the tombstone lives in the Redis the imports read.
  const opened = await openConfiguredStore(opts.config, { index: 'required' });
  const store = opened.store;
  try {
    const present = (await store.list(image)).map((s) => s.index);
    const doomed = indices === 'all' ? present : indices.filter((i) => present.includes(i));
    const missing = indices === 'all' ? [] : indices.filter((i) => !present.includes(i));
    if (missing.length)
      throw new CommandError(
        `${imageReference(image)} has no signature-${missing.join(', signature-')}`,
        'SIGNATURE_UNKNOWN',
      );
    if (doomed.length && !opts.yes && !process.stdin.isTTY)
      throw new CommandError(
        'not confirmed (stdin is not a terminal: use --yes); nothing removed',
        'NOT_CONFIRMED',
      );
    if (doomed.length && !opts.yes && !(await confirm(image, doomed)))
      throw new CommandError('not confirmed; nothing removed', 'NOT_CONFIRMED');
    const by = opts.by ?? userInfo().username;
    const { removed, tombstones } = doomed.length
      ? await removeWithTombstones(store, opened.tombstones!, image, indices, by)
      : { removed: 0, tombstones: [] };
    if (opts.json)
      console.log(
        JSON.stringify({ image: imageReference(image), removed, indices: doomed, tombstones }, null, 2),
      );
    else console.log(`removed ${removed} signature(s) of ${imageReference(image)}`);
  } finally {
    await opened.close();
  }
}
