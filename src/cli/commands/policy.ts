/**
 * `sigmirror policy check`: would a host with this policy.json accept the image, given the
 * signatures sigmirror holds for it? Prints the section that decided, each requirement's verdict
 * and reason, and for signedBy each signature's verdict. Spec: docs/spec/policy-json.md.
 */
import { stat } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { loadDaemonConfig } from '../../config/index.js';
import {
  evaluatePolicy,
  PolicyParseError,
  readKeyFileFromDisk,
  readPolicyFile,
  type PolicyImage,
  type PolicyResult,
  type RequirementOutcome,
} from '../../policy/index.js';
import {
  anchoredTagRegexp,
  type DockerReference,
  imageKeyFromReference,
  imageReference,
  parseNormalizedReference,
  ReferenceError,
  type ImageKey,
} from '../../reference/index.js';
import { openStore } from '../../wiring/index.js';
import { CommandError, EXIT } from '../exit-codes.js';
import { openConfiguredStore, type ConfiguredStore } from '../store.js';

interface CheckOptions {
  policy: string;
  tag?: string;
  config?: string;
  storePath?: string;
  json?: boolean;
}

export function registerPolicy(program: Command): void {
  const policy = program
    .command('policy')
    .description("evaluate containers' policy.json")
    .addHelpText(
      'after',
      `
Examples:
  sigmirror policy check --policy /etc/containers/policy.json registry.redhat.io/ubi9/ubi@sha256:<hex>
  sigmirror policy check --help

Exit codes: 0 the subcommand succeeded; 1 it failed (its --help says when); 2 a missing or
unknown subcommand, or invalid arguments.`,
    );
  policy
    .command('check')
    .description('would a host with this policy.json accept the image, given the signatures sigmirror holds?')
    .argument('<image>', 'registry/repository@sha256:<hex>')
    .requiredOption('--policy <file>', 'policy.json to evaluate (as /etc/containers/policy.json)')
    .option('--tag <tag>', 'evaluate a pull of registry/repository:<tag> (which resolved to this digest)')
    .option('--config <file>', 'daemon config file (names the store: store.backend, store.path, redis)')
    .addOption(
      new Option('--store-path <dir>', 'signature store root (default: store.path of the config)').conflicts(
        'config',
      ),
    )
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Examples:
  sigmirror policy check --policy /etc/containers/policy.json registry.redhat.io/ubi9/ubi@sha256:<hex>
  sigmirror policy check --policy policy.json --tag 9.4 registry.redhat.io/ubi9/ubi@sha256:<hex>
  sigmirror policy check --policy policy.json --store-path ./var/store quay.io/ns/app@sha256:<hex> --json

Key files (keyPath, keyPaths) are read as a host reads them: relative paths are relative to the
working directory. Exit codes: 0 the host would accept the image; 1 it would not (or a
requirement cannot be judged, e.g. sigstoreSigned); 2 invalid arguments or an invalid policy file.`,
    )
    .action(async (image: string, opts: CheckOptions) => {
      const key = parseImage(image);
      const reference = hostReference(key, opts.tag);
      const policyFile = await readPolicyFile(opts.policy).catch((err: unknown) => {
        if (err instanceof PolicyParseError)
          throw new CommandError(`invalid policy:\n${err.message}`, 'INVALID_POLICY');
        throw err;
      });
      const signatures = await readSignatures(key, await policyStore(opts));
      const input: PolicyImage = { reference, manifestDigest: key.digest, signatures };
      const result = await evaluatePolicy(policyFile, input, { readKeyFile: readKeyFileFromDisk });
      console.log(opts.json ? JSON.stringify(result, nullForUndefined, 2) : describe(result));
      if (!result.allowed) process.exitCode = EXIT.FAILURE;
    });
}

function parseImage(image: string): ImageKey {
  try {
    return imageKeyFromReference(image);
  } catch (err) {
    if (!(err instanceof ReferenceError)) throw err;
    throw new CommandError(`invalid reference "${image}": ${err.message}`, 'INVALID_ARGUMENT');
  }
}

/** The reference the host pulls: by digest, or by `--tag` (which then picks scope and identity). */
function hostReference(key: ImageKey, tag: string | undefined): DockerReference {
  if (tag === undefined) return parseNormalizedReference(imageReference(key));
  if (!anchoredTagRegexp.test(tag)) throw new CommandError(`invalid tag "${tag}"`, 'INVALID_ARGUMENT');
  return parseNormalizedReference(`${key.registry}/${key.repository}:${tag}`);
}

/**
 * `--store-path`: that fs tree. Otherwise the store the daemon's config names, whatever its
 * backend (the redis backend connects to the configured Redis).
 */
async function policyStore(opts: CheckOptions): Promise<ConfiguredStore> {
  const fsRoot = opts.storePath ?? fsStorePath(opts.config);
  if (fsRoot !== undefined) {
    const isDir = await stat(fsRoot).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (!isDir) throw new CommandError(`no signature store at ${fsRoot}`, 'NO_STORE');
  }
  if (opts.storePath === undefined) return openConfiguredStore(opts.config, { index: 'none' });
  const { store } = openStore({
    store: { backend: 'fs', path: opts.storePath, groupCommit: false },
    redis: { prefix: '' },
  });
  return { store, index: undefined, tombstones: undefined, close: () => store.close() };
}

/** The config's fs store root; undefined for the redis backend. */
function fsStorePath(configFile: string | undefined): string | undefined {
  const { store } = loadDaemonConfig(configFile).config;
  return store.backend === 'fs' ? store.path : undefined;
}

async function readSignatures(key: ImageKey, opened: ConfiguredStore): Promise<PolicyImage['signatures']> {
  try {
    const signatures = [];
    for (const entry of await opened.store.list(key)) {
      const bytes = await opened.store.read(key, entry.index);
      if (bytes) signatures.push({ index: entry.index, bytes });
    }
    return signatures;
  } finally {
    await opened.close();
  }
}

/** JSON keeps every field: an absent value is null, not a missing key. */
const nullForUndefined = (_key: string, value: unknown) => (value === undefined ? null : value);

function describe(r: PolicyResult): string {
  const lines = [
    `image:   ${r.image}`,
    `digest:  ${r.manifestDigest}`,
    `section: ${r.section}${r.scope === undefined ? ' (no transports.docker scope matched)' : ''}`,
  ];
  for (const req of r.requirements) lines.push(...describeRequirement(req));
  lines.push(`verdict: ${r.verdict}${r.reason !== undefined ? `: ${r.reason}` : ''}`);
  return lines.join('\n');
}

function describeRequirement(req: RequirementOutcome): string[] {
  const lines = [
    `  [${req.index}] ${req.type}: ${req.verdict}${req.reason !== undefined ? `: ${req.reason}` : ''}`,
  ];
  if (req.keys)
    lines.push(
      `      keys ${req.keys.sources.join(', ')}: ${req.keys.error ?? (req.keys.fingerprints.join(', ') || 'none')}`,
    );
  for (const s of req.signatures ?? []) {
    const by = s.keyFingerprint
      ? ` key ${s.keyFingerprint}${s.subkeyFingerprint ? ` (subkey ${s.subkeyFingerprint})` : ''}`
      : '';
    const what = s.signedReference ? ` identity ${s.signedReference}` : '';
    const why = s.verdict === 'rejected' ? `: ${s.reason}` : '';
    lines.push(`      signature-${s.index}: ${s.verdict}${by}${what}${why}`);
    for (const w of s.warnings) lines.push(`        warning: ${w}`);
  }
  if (req.signatures?.length === 0) lines.push('      (no signatures stored)');
  return lines;
}
