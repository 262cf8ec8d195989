/**
 * `sigmirror host-config`: the registries.d file and policy.json that point a host's
 * skopeo/podman/CRI-O at the mirror and require signatures by the given keys (docs/host-setup.md).
 * Generation is pure (src/hostconfig); this file reads the key files and writes the output.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Option, type Command } from 'commander';
import {
  HOST_CONFIG_FILES,
  HostConfigError,
  MACHINE_CONFIG_ROLES,
  embeddedKeyring,
  hostConfig,
  machineConfigName,
  machineConfigYaml,
  type MachineConfigRole,
  publicKeyProblem,
  type HostConfig,
  type KeyFile,
  type PolicyKeys,
} from '../../hostconfig/index.js';
import { CommandError } from '../exit-codes.js';
import { warn } from '../output.js';

interface HostConfigCliOptions {
  mirrorUrl: string;
  registry?: string[];
  mirrorOf?: string[];
  publicKey?: string[];
  embedKeys?: boolean;
  defaultReject?: boolean;
  registriesOnly?: boolean;
  outputDir?: string;
  json?: boolean;
  format: 'files' | 'machineconfig';
  role?: string[];
}

const POLICY_OPTIONS = ['publicKey', 'embedKeys', 'defaultReject'];

const HOST_CONFIG_HELP = `
Examples:
  sigmirror host-config --mirror-url https://sigmirror.example.com --registry registry.redhat.io \\
    --public-key /etc/pki/rpm-gpg/RPM-GPG-KEY-redhat-release
  sigmirror host-config --mirror-url https://sigmirror.example.com --registry registry.redhat.io \\
    --mirror-of mirror.example.com:5000=registry.redhat.io --public-key redhat.gpg --embed-keys \\
    --output-dir /etc/containers
  sigmirror host-config --mirror-url http://127.0.0.1:8080 --registry quay.io --registries-only
  sigmirror host-config --mirror-url https://sigmirror.example.com --registry registry.redhat.io \
    --public-key redhat.gpg --embed-keys --format machineconfig --role master --role worker | oc apply -f -

The policy's default accepts images from registries not listed (containers' shipped default);
--default-reject refuses them. See docs/host-setup.md.

Exit codes: 0 generated; 1 a file could not be read or written; 2 an invalid option.`;

export function registerHostConfig(program: Command): void {
  program
    .command('host-config')
    .description('print (or write) the registries.d file and policy.json that point hosts at the mirror')
    .requiredOption(
      '--mirror-url <url>',
      'sigmirror as hosts reach it, e.g. https://sigmirror.example.com:8080',
    )
    .option(
      '--registry <name...>',
      'registry (or host/namespace) whose signatures hosts read from the mirror',
    )
    .option(
      '--mirror-of <mirror=registry...>',
      'images pulled from MIRROR carry signatures made for REGISTRY',
    )
    .option(
      '--public-key <file...>',
      'public key the policy trusts (armored or binary; its absolute path is written)',
    )
    .option('--embed-keys', 'embed the keys in policy.json (keyData) instead of referring to their paths')
    .option('--default-reject', 'reject images from every other registry (default: accept them, as shipped)')
    .addOption(
      new Option('--registries-only', 'generate only the registries.d file (no policy, no key)').conflicts(
        POLICY_OPTIONS,
      ),
    )
    .addOption(
      new Option('--format <format>', 'files (for /etc/containers) or machineconfig (OpenShift nodes)')
        .choices(['files', 'machineconfig'])
        .default('files'),
    )
    .option(
      '--role <role...>',
      `with --format machineconfig: the pool(s), ${MACHINE_CONFIG_ROLES.join(' and/or ')}`,
    )
    .option(
      '--output-dir <dir>',
      'write <dir>/registries.d/sigmirror.yaml and <dir>/policy.json (machineconfig: <dir>/99-<role>-sigmirror-signatures.yaml)',
    )
    .option('--json', 'print JSON')
    .addHelpText('after', HOST_CONFIG_HELP)
    .action(hostConfigCommand);
}

/** `--role` values with --format machineconfig (required there, refused elsewhere); undefined for files. */
function rolesOf(opts: HostConfigCliOptions): MachineConfigRole[] | undefined {
  if (opts.format !== 'machineconfig') {
    if (opts.role) throw new CommandError('--role needs --format machineconfig', 'USAGE');
    return undefined;
  }
  if (!opts.role?.length)
    throw new CommandError('--format machineconfig needs --role master|worker', 'USAGE');
  const bad = opts.role.find((r) => !(MACHINE_CONFIG_ROLES as readonly string[]).includes(r));
  if (bad !== undefined)
    throw new CommandError(`--role "${bad}": one of ${MACHINE_CONFIG_ROLES.join(', ')}`, 'INVALID_ARGUMENT');
  return [...new Set(opts.role)] as MachineConfigRole[];
}

/** One pool's MachineConfig manifest carrying the generated files. */
function machineConfigFile(role: MachineConfigRole, files: readonly { name: string; content: string }[]) {
  return { name: `${machineConfigName(role)}.yaml`, content: machineConfigYaml(role, files) };
}

/** The files to print or write, named as under /etc/containers. */
async function generate(opts: HostConfigCliOptions): Promise<{ name: string; content: string }[]> {
  const publicKeys = opts.publicKey ?? [];
  if (opts.embedKeys && !publicKeys.length) {
    throw new CommandError('--embed-keys needs --public-key', 'USAGE');
  }
  const keys = publicKeys.length ? await loadKeys(publicKeys, opts.embedKeys ?? false) : undefined;
  let config: HostConfig;
  try {
    config = hostConfig({
      mirrorUrl: opts.mirrorUrl,
      registries: opts.registry ?? [],
      mirrorOf: opts.mirrorOf ?? [],
      ...(keys && { keys }),
      defaultReject: opts.defaultReject ?? false,
      registriesOnly: opts.registriesOnly ?? false,
    });
  } catch (err) {
    if (err instanceof HostConfigError) throw new CommandError(err.message, 'INVALID_ARGUMENT');
    throw err;
  }
  const files = [{ name: HOST_CONFIG_FILES.registries as string, content: config.registriesYaml }];
  if (config.policyJson !== undefined)
    files.push({ name: HOST_CONFIG_FILES.policy, content: config.policyJson });
  return files;
}

/** Reads the key files: embedded, or checked when present and referred to by absolute path. */
async function loadKeys(names: readonly string[], embed: boolean): Promise<PolicyKeys> {
  const files: KeyFile[] = [];
  for (const name of names) {
    const bytes = await readKey(name, embed);
    if (!bytes) continue;
    const problem = publicKeyProblem(bytes);
    if (problem) throw new CommandError(`--public-key ${name}: ${problem}`, 'INVALID_KEY');
    files.push({ name, bytes });
  }
  if (!embed) return { paths: names.map((name) => path.resolve(name)) };
  try {
    return { keyring: embeddedKeyring(files) };
  } catch (err) {
    if (err instanceof HostConfigError) throw new CommandError(err.message, 'INVALID_KEY');
    throw err;
  }
}

/**
 * A key file's bytes. A missing file is an error when embedding; otherwise only a warning, since
 * the path may exist on the hosts alone (e.g. /etc/pki/rpm-gpg/… on a RHEL host).
 */
async function readKey(name: string, embed: boolean): Promise<Uint8Array | undefined> {
  try {
    return await readFile(name);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !embed) {
      warn(`--public-key ${name}: no such file here; hosts must have it at ${path.resolve(name)}`);
      return undefined;
    }
    if (code === 'ENOENT') throw new CommandError(`--public-key ${name}: no such file`, 'UNREADABLE_FILE');
    throw new CommandError(`--public-key ${name}: cannot read: ${(err as Error).message}`, 'UNREADABLE_FILE');
  }
}

/** Writes each file through a temporary name and a rename, so a host never reads half a file. */
async function writeFiles(
  dir: string,
  files: readonly { name: string; content: string }[],
): Promise<string[]> {
  const written: string[] = [];
  for (const file of files) {
    const target = path.resolve(dir, file.name);
    const temp = `${target}.tmp-${process.pid}`;
    try {
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(temp, file.content, { mode: 0o644 });
      await rename(temp, target);
    } catch (err) {
      await rm(temp, { force: true }).catch(() => undefined);
      throw new CommandError(`cannot write ${target}: ${(err as Error).message}`, 'WRITE_FAILED');
    }
    written.push(target);
  }
  return written;
}

function print(
  files: readonly { name: string; content: string }[],
  written: string[] | undefined,
  json: boolean,
  manifests: boolean,
) {
  if (json) {
    const out = files.map((f, i) => ({ name: f.name, path: written?.[i] ?? null, content: f.content }));
    process.stdout.write(`${JSON.stringify({ files: out }, null, 2)}\n`);
  } else if (written) {
    for (const p of written) process.stdout.write(`wrote ${p}\n`);
  } else if (files.length === 1) {
    process.stdout.write(files[0]!.content);
  } else if (manifests) {
    process.stdout.write(files.map((f) => f.content).join('---\n')); // one YAML stream for `oc apply -f -`
  } else {
    process.stdout.write(files.map((f) => `==> ${f.name} <==\n${f.content}`).join('\n'));
  }
}

async function hostConfigCommand(opts: HostConfigCliOptions): Promise<void> {
  const roles = rolesOf(opts);
  const generated = await generate(opts);
  const files = roles ? roles.map((role) => machineConfigFile(role, generated)) : generated;
  const written = opts.outputDir ? await writeFiles(opts.outputDir, files) : undefined;
  print(files, written, opts.json ?? false, roles !== undefined);
}
