/**
 * `sigmirror images list|describe|reindex`: the signature console on the command line (in the
 * spirit of `oc describe istag`): which images have signatures, which are verified, and why not.
 */
import type { Command } from 'commander';
import { imageKeyFromReference, ReferenceError } from '../../reference/index.js';
import {
  IMAGE_STATUSES,
  reindex,
  type ImageStatus,
  type ImageSummary,
  type SignatureEntry,
  type Tombstone,
} from '../../store/index.js';
import { signatureMetadata } from '../../signature/index.js';
import { CommandError } from '../exit-codes.js';
import { warn } from '../output.js';
import { openConfiguredStore } from '../store.js';

/** Rows per page when listing everything. */
const PAGE = 1000;

interface ListOptions {
  status?: string;
  registry?: string;
  repository?: string;
  limit?: string;
  config?: string;
  json?: boolean;
}

export function registerImages(program: Command): void {
  const images = program
    .command('images')
    .description('list and describe mirrored images and their verification state')
    .addHelpText(
      'after',
      `
Examples:
  sigmirror images list --status unverified
  sigmirror images describe registry.redhat.io/ubi9/ubi@sha256:<hex>
  sigmirror images reindex --config /etc/sigmirror/sigmirror.yaml

Exit codes: 0 the subcommand succeeded; 1 it failed (its --help says when); 2 a missing or
unknown subcommand, or invalid arguments.`,
    );
  registerList(images);
  registerDescribe(images);
  registerReindex(images);
}

function registerList(images: Command): void {
  images
    .command('list')
    .description('images in the store with signature count and status (from the image index)')
    .option('--status <status>', `only ${IMAGE_STATUSES.join(', ')}`)
    .option('--registry <registry>', 'only this registry')
    .option('--repository <prefix>', 'only repositories starting with this')
    .option('--limit <n>', 'at most this many rows (default: all)')
    .option('--config <file>', 'daemon config file (names the store and Redis)')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Examples:
  sigmirror images list --status unverified
  sigmirror images list --registry registry.redhat.io --repository ubi9/ --json

Exit codes: 0 listed; 1 the index is unreachable (Redis); 2 invalid arguments.`,
    )
    .action(async (opts: ListOptions) => {
      if (opts.status && !(IMAGE_STATUSES as readonly string[]).includes(opts.status))
        throw new CommandError(`--status: one of ${IMAGE_STATUSES.join(', ')}`, 'INVALID_ARGUMENT');
      const limit = opts.limit === undefined ? Infinity : Number(opts.limit);
      if (!(limit >= 1) || (limit !== Infinity && !Number.isInteger(limit)))
        throw new CommandError('--limit: a positive integer', 'INVALID_ARGUMENT');
      const opened = await openConfiguredStore(opts.config, { index: 'required' });
      try {
        const rows: ImageSummary[] = [];
        let cursor: string | undefined;
        do {
          const page = await opened.store.listImages({
            status: opts.status as ImageStatus | undefined,
            registry: opts.registry,
            repository: opts.repository,
            limit: Math.min(PAGE, limit - rows.length),
            cursor,
          });
          rows.push(...page.items);
          cursor = page.next ?? undefined;
        } while (cursor && rows.length < limit);
        if (opts.json) console.log(JSON.stringify({ items: rows }, null, 2));
        else printTable(rows);
      } finally {
        await opened.close();
      }
    });
}

function registerDescribe(images: Command): void {
  images
    .command('describe')
    .description(
      'everything known about one image: status, signatures, untrusted claims, verification history',
    )
    .argument('<image>', 'registry/repository@sha256:<hex>')
    .option('--config <file>', 'daemon config file (names the store)')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Examples:
  sigmirror images describe registry.redhat.io/ubi9/ubi@sha256:<hex>
  sigmirror images describe quay.io/ns/app@sha256:<hex> --json

Exit codes: 0 described; 2 invalid reference; 3 the image is unknown to the store.`,
    )
    .action(async (reference: string, opts: { config?: string; json?: boolean }) => {
      let image;
      try {
        image = imageKeyFromReference(reference);
      } catch (err) {
        if (err instanceof ReferenceError) throw new CommandError(err.message, 'INVALID_ARGUMENT');
        throw err;
      }
      // Redis when it answers, for the tombstones (removed signatures); quietly without it.
      const opened = await openConfiguredStore(opts.config, { index: 'optional', quiet: true });
      try {
        const summary = await opened.store.summary(image);
        if (!summary) throw new CommandError(`${reference}: no such image in the store`, 'IMAGE_UNKNOWN');
        const signatures = await opened.store.list(image);
        const removed = (await opened.tombstones?.list(image)) ?? null;
        if (opts.json) console.log(JSON.stringify({ ...summary, signatures, removed }, null, 2));
        else console.log(describe(summary, signatures, removed));
      } finally {
        await opened.close();
      }
    });
}

function registerReindex(images: Command): void {
  images
    .command('reindex')
    .description(
      "rebuild the image index from the store's files (after a restore, or when Redis lost it), adopting signature files that have no metadata",
    )
    .option('--config <file>', 'daemon config file (names the store and Redis)')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Examples:
  sigmirror images reindex --config /etc/sigmirror/sigmirror.yaml
  sigmirror images reindex --json

Signature files the store has no metadata for (a lookaside tree copied into the store by hand,
e.g. from another mirror) are adopted first: origin "adopted", with the claims an import records,
so they appear in listings, verify and the console. Paths that name no valid image are left
alone and listed as warnings.
Exit codes: 0 reindexed; 1 the store or the index (Redis) is unreachable, or the config file is
invalid; 2 invalid arguments.`,
    )
    .action(async (opts: { config?: string; json?: boolean }) => {
      const opened = await openConfiguredStore(opts.config, { index: 'required' });
      try {
        const result = await reindex(opened.store, opened.index!, (bytes, image) =>
          signatureMetadata(bytes, image.digest),
        );
        for (const skipped of result.adopted.skipped) warn(`${skipped}: not a valid image path; left alone`);
        if (opts.json) console.log(JSON.stringify(result, null, 2));
        else {
          const { images, signatures } = result.adopted;
          if (signatures)
            console.log(`adopted ${signatures} signature(s) of ${images} image(s) that had no metadata`);
          console.log(`indexed ${result.indexed} image(s)`);
        }
      } finally {
        await opened.close();
      }
    });
}

function printTable(rows: readonly ImageSummary[]): void {
  if (rows.length === 0) {
    console.log('no images');
    return;
  }
  const cells = rows.map((r) => [r.reference, String(r.signatures), r.status, r.lastImportAt ?? '-']);
  const header = ['IMAGE', 'SIGNATURES', 'STATUS', 'LAST IMPORT'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  for (const line of [header, ...cells])
    console.log(
      line
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    );
}

/** `oc describe`-style text: aligned "Key:\tvalue" lines, one block per signature. */
export function describe(
  summary: ImageSummary,
  signatures: readonly SignatureEntry[],
  removed: readonly Tombstone[] | null = [],
): string {
  const lines = [
    `Image:\t\t${summary.reference}`,
    `Status:\t\t${summary.status}`,
    `Signatures:\t${summary.signatures}`,
    `Last import:\t${summary.lastImportAt ?? '<never>'}`,
    `Source:\t\t${summary.source ?? '<none>'}`,
    `Last verified:\t${summary.lastVerifiedAt ?? '<never>'}`,
  ];
  for (const s of signatures) {
    const p = (s.parsed ?? {}) as Record<string, unknown>;
    const claim = (key: string) => (typeof p[key] === 'string' ? (p[key] as string) : '<unknown>');
    lines.push(
      '',
      `signature-${s.index}:`,
      `  Size:\t\t${s.size} bytes`,
      `  SHA-256:\t${s.sha256}`,
      `  Source:\t${s.source ?? `<${s.origin}${s.by ? ` by ${s.by}` : ''}>`}`,
      `  Stored at:\t${s.storedAt}`,
      '  Claims (not verified):',
      `    Identity:\t${claim('untrustedIdentity')}`,
      `    Digest:\t${claim('untrustedDigest')}`,
      `    Key ID:\t${claim('keyId')}`,
    );
    const records = [...s.verifications].reverse();
    if (records.length === 0) lines.push('  Verifications:\t<none>');
    else lines.push('  Verifications (newest first):');
    for (const r of records) {
      const key = typeof r.keyFingerprint === 'string' ? ` key ${r.keyFingerprint}` : '';
      const reason = typeof r.reason === 'string' ? `: ${r.reason}` : '';
      lines.push(
        `    ${r.at}\t${r.by}\t${String(r.verdict)} for ${String(r.expectedIdentity)}${key}${reason}`,
      );
    }
  }
  return [...lines, ...removedLines(removed)].join('\n');
}

/** The tombstones `signatures remove` left; null when Redis (where they live) did not answer. */
function removedLines(removed: readonly Tombstone[] | null): string[] {
  if (removed === null) return ['', 'Removed:\t<unknown: no Redis answers>'];
  if (removed.length === 0) return [];
  return [
    '',
    'Removed (imports skip them; `sigmirror signatures restore` lifts):',
    ...removed.map((r) => `  sha256:${r.sha256}\twas signature-${r.index}\tby ${r.by}\tat ${r.at}`),
  ];
}
