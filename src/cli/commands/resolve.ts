/** `sigmirror resolve`: where a host reads and writes an image's signatures, per registries.d. */
import type { Command } from 'commander';
import { loadDaemonConfig } from '../../config/index.js';
import { ReferenceError, parseNormalizedReference } from '../../reference/index.js';
import {
  formatProblem,
  loadRegistriesDir,
  resolveReference,
  type Resolution,
} from '../../registries/index.js';
import { CommandError } from '../exit-codes.js';
import { warn } from '../output.js';

interface ResolveOptions {
  registriesDir?: string;
  config?: string;
  json?: boolean;
  check?: boolean;
}

export function registerResolve(program: Command): void {
  program
    .command('resolve')
    .description('show which lookaside a host reads and writes signatures of a reference with')
    .argument('[reference]', 'docker reference, e.g. registry.redhat.io/ubi9/ubi:latest')
    .option('--registries-dir <dir>', 'registries.d directory (default: registriesDir of the daemon config)')
    .option('--config <file>', 'daemon config file (for registriesDir)')
    .option('--check', 'validate the directory: list every error and warning; exit 1 on errors')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Examples:
  sigmirror resolve busybox --registries-dir /etc/containers/registries.d
  sigmirror resolve registry.redhat.io/ubi9/ubi@sha256:<hex> --json
  sigmirror resolve --check --registries-dir /etc/containers/registries.d --json

Exit codes: 0 resolved (with --check: the directory is valid); 1 registries.d is invalid, the
reference's lookaside URL is unusable, or the config file is invalid; 2 invalid arguments (no
reference, an invalid reference).`,
    )
    .action(async (reference: string | undefined, opts: ResolveOptions) => {
      const dir = opts.registriesDir ?? loadDaemonConfig(opts.config).config.registriesDir;
      const loaded = await loadRegistriesDir(dir);
      for (const w of loaded.warnings) warn(formatProblem(w));
      if (opts.check) return check(dir, loaded.errors.map(formatProblem), opts.json);
      if (reference === undefined) throw new CommandError('a reference is needed (or --check)', 'USAGE');
      if (!loaded.config) {
        throw new CommandError(
          `registries.d is invalid:\n${loaded.errors.map(formatProblem).join('\n')}`,
          'REGISTRIES_INVALID',
        );
      }
      let ref;
      try {
        ref = parseNormalizedReference(reference);
      } catch (err) {
        if (!(err instanceof ReferenceError)) throw err;
        throw new CommandError(`invalid reference "${reference}": ${err.message}`, 'INVALID_ARGUMENT');
      }
      const resolution = resolveReference(loaded.config, ref);
      console.log(opts.json ? JSON.stringify(resolution, null, 2) : describe(resolution));
      if (resolution.errors.length)
        throw new CommandError(resolution.errors.join('\n'), 'LOOKASIDE_UNUSABLE');
    });
}

function check(dir: string, errors: string[], json: boolean | undefined): void {
  if (json) console.log(JSON.stringify({ dir, valid: errors.length === 0, errors }, null, 2));
  else if (!errors.length) console.log(`${dir}: valid`);
  if (errors.length) throw new CommandError(errors.join('\n'), 'REGISTRIES_INVALID');
}

function describe(r: Resolution): string {
  const from = (scope: string, file: string | null) => `scope ${scope}${file ? ` (${file})` : ''}`;
  return [
    `reference:                ${r.reference}`,
    `read:                     ${r.lookaside}  [${from(r.scope, r.file)}]`,
    `signature base:           ${r.signatureBase ?? '(unusable URL)'}`,
    `write:                    ${r.lookasideStaging}  [${from(r.writeScope, r.writeFile)}]`,
    `use-sigstore-attachments: ${r.useSigstoreAttachments}`,
  ].join('\n');
}
