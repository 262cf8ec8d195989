/**
 * `sigmirror verify-blob`: checks one signature file like `skopeo standalone-verify`, with the
 * reasons spelled out. Exit 0 only for a trusted signature of the given digest and identity.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { ReferenceError } from '../../reference/index.js';
import { expectedIdentityRule, KeyError, verifySignature } from '../../signature/index.js';
import { loadKeyring } from '../../verification/index.js';
import { digestFromOptions } from '../digest-option.js';
import { CommandError, EXIT } from '../exit-codes.js';

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

Exit codes: 0 the signature is trusted and matches; 1 it does not (the reason is printed);
2 invalid arguments or unreadable files.`,
    )
    .action(async (opts: VerifyBlobOptions) => {
      const digest = await digestFromOptions(opts);
      let validateSignedReference: (s: string) => string | undefined = () => undefined;
      if (opts.expectedIdentity) {
        try {
          validateSignedReference = expectedIdentityRule(opts.expectedIdentity);
        } catch (err) {
          if (err instanceof ReferenceError)
            throw new CommandError(`--expected-identity: ${err.message}`, EXIT.USAGE);
          throw err;
        }
      }
      const keyring = await loadKeyring(opts.publicKey).catch((err: unknown) => {
        if (err instanceof KeyError) throw new CommandError(err.message, EXIT.USAGE);
        throw err;
      });
      const bytes = await readFile(opts.signature).catch((err: NodeJS.ErrnoException) => {
        throw new CommandError(
          `cannot read signature file ${opts.signature}: ${err.code ?? err.message}`,
          EXIT.USAGE,
        );
      });
      const v = await verifySignature(bytes, {
        keyring,
        manifestDigest: digest,
        validateSignedReference,
        strict: opts.strict ?? false,
      });
      const report =
        v.verdict === 'accepted'
          ? {
              verdict: 'accepted',
              reason: null,
              stage: null,
              fingerprint: v.signature.keyFingerprint,
              subkey: v.signature.subkeyFingerprint ?? null,
              keyId: v.signature.keyId,
              digest: v.signature.dockerManifestDigest,
              identity: v.signature.dockerReference,
              warnings: v.signature.warnings,
            }
          : {
              verdict: 'rejected',
              reason: v.reason,
              stage: v.stage,
              fingerprint: v.keyFingerprint ?? null,
              subkey: v.subkeyFingerprint ?? null,
              keyId: v.keyId ?? null,
              digest: v.untrusted?.untrustedDockerManifestDigest ?? null,
              identity: v.untrusted?.untrustedDockerReference ?? null,
              warnings: v.warnings,
            };
      if (opts.json) console.log(JSON.stringify(report, null, 2));
      for (const warning of report.warnings) console.error(`sigmirror: warning: ${warning}`);
      if (v.verdict === 'accepted') {
        if (!opts.json) {
          const s = v.signature;
          const subkey = s.subkeyFingerprint ? ` (subkey ${s.subkeyFingerprint})` : '';
          console.log(
            `Signature verified: key ${s.keyFingerprint}${subkey}, digest ${s.dockerManifestDigest}, identity ${s.dockerReference}`,
          );
        }
        return;
      }
      if (!opts.json) console.error(`sigmirror: signature rejected (${v.stage}): ${v.reason}`);
      process.exitCode = EXIT.FAILURE;
    });
}
