/**
 * `sigmirror verify-blob`: checks one signature file like `skopeo standalone-verify`, with the
 * reasons spelled out. Exit 0 only for a trusted signature of the given digest and identity.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { ReferenceError } from '../../reference/index.js';
import { expectedIdentityRule, KeyError, verifySignature } from '../../signature/index.js';
import { describeOutcome, loadKeyring, signatureOutcome } from '../../verification/index.js';
import { digestFromOptions } from '../digest-option.js';
import { CommandError, EXIT } from '../exit-codes.js';
import { warn } from '../output.js';

interface VerifyBlobOptions {
  signature: string;
  publicKey: string[];
  manifest?: string;
  digest?: string;
  expectedIdentity?: string;
  strict?: boolean;
  json?: boolean;
}

export function registerVerifyBlob(program: Command): void {
  program
    .command('verify-blob')
    .description('verify one simple-signing signature file (like skopeo standalone-verify)')
    .requiredOption('--signature <file>', 'the signature (a lookaside signature-N file)')
    .requiredOption('--public-key <file...>', 'trusted public key file(s): armored, binary or keyrings')
    .option('--manifest <file>', 'the image manifest; its digest must be the signed one')
    .option('--digest <sha256:hex>', 'the image digest, when there is no manifest file')
    .option('--expected-identity <reference>', 'the docker reference the signature must name')
    .option('--strict', 'reject weak legacy material (RSA < 2048 bits, SHA-1) instead of warning')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Examples:
  sigmirror verify-blob --signature signature-1 --public-key /etc/pki/rpm-gpg/RPM-GPG-KEY-redhat-release \\
    --digest sha256:<hex> --expected-identity registry.redhat.io/ubi9/ubi:latest
  sigmirror verify-blob --signature sig --public-key a.gpg --public-key b.asc --manifest manifest.json --json

Prints the verdict in the words of \`sigmirror verify\` and POST /v1/verify: trusted (key,
subkey, identity, digest), or rejected / unsupported with the stage that refused it and why.
Exit codes: 0 the signature is trusted and matches; 1 it does not (the reason is printed);
2 invalid arguments or unreadable files.`,
    )
    .action(async (opts: VerifyBlobOptions) => {
      const digest = await digestFromOptions(opts);
      const validateSignedReference = identityRule(opts.expectedIdentity);
      const keyring = await loadKeyring(opts.publicKey).catch((err: unknown) => {
        if (err instanceof KeyError) throw new CommandError(err.message, 'INVALID_KEY');
        throw err;
      });
      const bytes = await readFile(opts.signature).catch((err: NodeJS.ErrnoException) => {
        throw new CommandError(
          `cannot read signature file ${opts.signature}: ${err.code ?? err.message}`,
          'UNREADABLE_FILE',
        );
      });
      const outcome = signatureOutcome(
        await verifySignature(bytes, {
          keyring,
          manifestDigest: digest,
          validateSignedReference,
          strict: opts.strict ?? false,
        }),
      );
      if (opts.json) {
        const report = {
          signature: opts.signature,
          sha256: sha256(bytes),
          expectedIdentity: opts.expectedIdentity ?? null,
          ...outcome,
        };
        console.log(JSON.stringify(report, null, 2));
      } else {
        console.log(describeOutcome(outcome));
        for (const warning of outcome.warnings) warn(warning);
      }
      if (outcome.verdict !== 'trusted') process.exitCode = EXIT.FAILURE;
    });
}

/** The identity check for --expected-identity; without it, any signed identity passes. */
function identityRule(expected: string | undefined): (signed: string) => string | undefined {
  if (expected === undefined) return () => undefined;
  try {
    return expectedIdentityRule(expected);
  } catch (err) {
    if (err instanceof ReferenceError)
      throw new CommandError(`--expected-identity: ${err.message}`, 'INVALID_ARGUMENT');
    throw err;
  }
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
