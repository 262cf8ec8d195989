/**
 * `sigmirror release import|configmap|verify|list` (alias `releases`): OpenShift release
 * signatures, keyed by digest as the cluster version operator keys them (docs/releases.md).
 */
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import {
  releaseDigestOf,
  ReleaseNameError,
  renderManifests,
  type ManifestFormat,
} from '../../release/index.js';
import { KeyError } from '../../signature/index.js';
import { IMAGE_STATUSES, releaseKey, type ImageStatus, type ImageSummary } from '../../store/index.js';
import { ImageUnknownError, loadKeyring, saveVerification, verifyRelease } from '../../verification/index.js';
import { CommandError, EXIT } from '../exit-codes.js';
import { allReleases, configMaps, writeManifests } from '../release-files.js';
import { openConfiguredStore } from '../store.js';
import { waitForFirstAttempts } from '../import-wait.js';
import { configuredProducer, report } from './import.js';

const EXIT_TEXT = 'Exit codes: 0 success; 1 it failed (each subcommand says when); 2 invalid arguments.';

export function registerRelease(program: Command): void {
  const release = program
    .command('release')
    .alias('releases')
    .description('OpenShift release signatures: import, serve as ConfigMaps, verify as the CVO does')
    .addHelpText(
      'after',
      `
Examples:
  sigmirror release import quay.io/openshift-release-dev/ocp-release@sha256:<hex> --wait
  sigmirror release configmap sha256:<hex> --output-dir manifests/ && oc apply -f manifests/
  sigmirror release verify sha256:<hex> --public-key verifier-public-key-redhat
  sigmirror releases list

${EXIT_TEXT}`,
    );
  registerImportCommand(release);
  registerConfigMapCommand(release);
  registerVerifyCommand(release);
  registerListCommand(release);
}

/** Release names → digests; an invalid one is a usage error naming it. */
function digestsOf(names: readonly string[]): string[] {
  return names.map((name) => {
    try {
      return releaseDigestOf(name);
    } catch (err) {
      if (err instanceof ReleaseNameError) throw new CommandError(err.message, 'INVALID_ARGUMENT');
      throw err;
    }
  });
}

function registerImportCommand(release: Command): void {
  release
    .command('import')
    .description('enqueue imports of every signature of OpenShift releases from release.signatureStores')
    .argument('<release...>', 'sha256:<hex> or <pullspec>@sha256:<hex>')
    .option('--config <file>', 'daemon config file (names the Redis)')
    .option('--wait', 'wait until every import finished; exit 1 if any failed')
    .option('--timeout <seconds>', 'with --wait, give up after this long', '600')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Examples:
  sigmirror release import sha256:<hex>
  sigmirror release import quay.io/openshift-release-dev/ocp-release@sha256:<hex> --wait --json

Exit codes: 0 enqueued (or, with --wait, all imported); 1 an import failed or Redis is unreachable;
2 an invalid release name.`,
    )
    .action(
      async (names: string[], opts: { config?: string; wait?: boolean; timeout: string; json?: boolean }) => {
        const digests = digestsOf(names);
        const { producer, config, queueName } = await configuredProducer(opts.config);
        try {
          const jobs = [];
          for (const digest of digests)
            jobs.push({ digest, ...(await producer.enqueue(releaseKey(digest))) });
          if (!opts.wait) {
            if (opts.json) console.log(JSON.stringify({ jobs }, null, 2));
            else for (const j of jobs) console.log(`queued release ${j.digest} (job ${j.id})`);
            return;
          }
          const outcomes = await waitForFirstAttempts(
            producer,
            jobs.map((j) => ({ id: j.id, enqueueId: j.enqueueId })),
            {
              timeoutMs: Number(opts.timeout) * 1000,
              recheckDelaysMs: config.import.recheckDelaysMs,
              queueName,
              progress: opts.json ? undefined : process.stderr,
            },
          );
          report(
            jobs.map((j) => ({ reference: `release ${j.digest}`, outcome: outcomes.get(j.id)! })),
            opts.json,
          );
        } finally {
          await producer.close();
        }
      },
    );
}

interface ConfigMapOptions {
  output?: string;
  json?: boolean;
  outputDir?: string;
  all?: boolean;
  config?: string;
}

function registerConfigMapCommand(release: Command): void {
  release
    .command('configmap')
    .description('the signature ConfigMap(s) a disconnected cluster applies (openshift-config-managed)')
    .argument('[release...]', 'sha256:<hex> or <pullspec>@sha256:<hex>')
    .option('--all', 'every release in the store (one file each with --output-dir)')
    .option('--output <format>', 'yaml (default) or json')
    .option('--json', 'print JSON: the ConfigMaps (as --output json), or with --output-dir the files written')
    .option('--output-dir <dir>', 'write <dir>/sha256-<hex>.<format> per release instead of printing')
    .option('--config <file>', 'daemon config file (names the store and Redis)')
    .addHelpText(
      'after',
      `
Examples:
  sigmirror release configmap sha256:<hex> | oc apply -f -
  sigmirror release configmap --all --output json --output-dir manifests/

Exit codes: 0 written; 1 a release is not in the store or a file could not be written;
2 invalid arguments.`,
    )
    .action(async (names: string[], opts: ConfigMapOptions) => {
      const output = opts.output ?? (opts.json && !opts.outputDir ? 'json' : 'yaml');
      if (output !== 'yaml' && output !== 'json') throw new CommandError('--output: yaml or json', 'USAGE');
      if (opts.json && !opts.outputDir && output !== 'json')
        throw new CommandError('--json prints JSON: drop --output yaml', 'USAGE');
      if (Boolean(opts.all) === names.length > 0)
        throw new CommandError('give release digests or --all, not both', 'USAGE');
      const format: ManifestFormat = output;
      const digests = opts.all ? undefined : digestsOf(names);
      const opened = await openConfiguredStore(opts.config, { index: opts.all ? 'required' : 'none' });
      try {
        const maps = await configMaps(opened.store, digests);
        if (!opts.outputDir) process.stdout.write(renderManifests(maps, format));
        else
          for (const file of await writeManifests(opts.outputDir, maps, format)) console.log(`wrote ${file}`);
      } finally {
        await opened.close();
      }
    });
}

interface VerifyOptions {
  publicKey: string[];
  config?: string;
  save?: boolean;
  strict?: boolean;
  json?: boolean;
}

function registerVerifyCommand(release: Command): void {
  release
    .command('verify')
    .description(
      "verify a release's stored signatures as the CVO does (digest and key; identity not required)",
    )
    .argument('<release>', 'sha256:<hex> or <pullspec>@sha256:<hex>')
    .requiredOption(
      '--public-key <file...>',
      "trusted key file(s): one keyring, like a ConfigMap's verifier-public-key-*",
    )
    .option('--config <file>', 'daemon config file (names the store)')
    .option('--save', 'append each verdict to the signature history (signatures are never touched)')
    .option('--strict', 'reject weak legacy material (RSA < 2048 bits, SHA-1) instead of warning')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Examples:
  sigmirror release verify sha256:<hex> --public-key verifier-public-key-redhat
  sigmirror release verify quay.io/openshift-release-dev/ocp-release@sha256:<hex> --public-key k.asc --save --json

Exit codes: 0 at least one signature names the digest and is made by a key given; 1 none is;
2 invalid arguments or keys; 3 the release is not in the store.`,
    )
    .action(async (name: string, opts: VerifyOptions) => {
      const [digest] = digestsOf([name]);
      const keyring = await loadKeyring(opts.publicKey).catch((err: unknown) => {
        if (err instanceof KeyError) throw new CommandError(err.message, 'INVALID_KEY');
        throw err;
      });
      const opened = await openConfiguredStore(opts.config, { index: opts.save ? 'optional' : 'none' });
      try {
        const result = await verifyRelease({
          store: opened.store,
          digest: digest!,
          keyring,
          strict: opts.strict,
        }).catch((err: unknown) => {
          if (err instanceof ImageUnknownError)
            throw new CommandError(
              `release ${digest} is not in the store (import it first)`,
              'IMAGE_UNKNOWN',
            );
          throw err;
        });
        if (opts.save) await saveVerification(opened.store, result, `cli:${userInfo().username}`);
        if (opts.json)
          console.log(JSON.stringify({ ...result, release: digest, saved: Boolean(opts.save) }, null, 2));
        else printVerification(digest!, result, Boolean(opts.save));
        if (!result.verified) process.exitCode = EXIT.FAILURE;
      } finally {
        await opened.close();
      }
    });
}

function printVerification(
  digest: string,
  result: Awaited<ReturnType<typeof verifyRelease>>,
  saved: boolean,
): void {
  if (result.signatures.length === 0) console.error(`sigmirror: release ${digest} has no stored signatures`);
  for (const s of result.signatures) {
    const key = s.keyFingerprint ? ` key ${s.keyFingerprint}` : '';
    const detail = s.verdict === 'trusted' ? ` (signed for ${s.identity})` : `: ${s.reason}`;
    console.log(`signature-${s.index}\t${s.verdict}${key}${detail}`);
    for (const w of s.warnings) console.log(`signature-${s.index}\twarning: ${w}`);
  }
  const verdict = result.verified ? 'verified' : 'NOT verified';
  console.log(`release ${digest} is ${verdict}${saved ? ' (verdicts saved)' : ''}`);
}

function registerListCommand(release: Command): void {
  release
    .command('list')
    .description('releases in the store with signature count and verification status')
    .option('--status <status>', `only ${IMAGE_STATUSES.join(', ')}`)
    .option('--config <file>', 'daemon config file (names the store and Redis)')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Examples:
  sigmirror releases list
  sigmirror release list --status unverified --json

Exit codes: 0 listed; 1 the index is unreachable (Redis); 2 invalid arguments.`,
    )
    .action(async (opts: { status?: string; config?: string; json?: boolean }) => {
      if (opts.status && !(IMAGE_STATUSES as readonly string[]).includes(opts.status))
        throw new CommandError(`--status: one of ${IMAGE_STATUSES.join(', ')}`, 'INVALID_ARGUMENT');
      const opened = await openConfiguredStore(opts.config, { index: 'required' });
      try {
        const rows = await allReleases(opened.store, opts.status as ImageStatus | undefined);
        if (opts.json)
          console.log(JSON.stringify({ items: rows.map((r) => ({ ...r, release: r.digest })) }, null, 2));
        else printReleases(rows);
      } finally {
        await opened.close();
      }
    });
}

function printReleases(rows: readonly ImageSummary[]): void {
  if (rows.length === 0) return void console.log('no releases');
  const header = ['RELEASE', 'SIGNATURES', 'STATUS', 'LAST IMPORT', 'SOURCE'];
  const cells = rows.map((r) => [
    r.digest,
    String(r.signatures),
    r.status,
    r.lastImportAt ?? '-',
    r.source ?? '-',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  for (const line of [header, ...cells])
    console.log(
      line
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    );
}
