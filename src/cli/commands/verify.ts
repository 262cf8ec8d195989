/**
 * `sigmirror verify <registry/repo@sha256:…>`: verifies the stored signatures of an image (like
 * `oc adm verify-image-signature`); `--save` appends the verdicts to each signature's history.
 */
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { ReferenceError } from '../../reference/index.js';
import { expectedIdentityRule, KeyError } from '../../signature/index.js';
import { imageKeyFromReference, imageKeyString } from '../../store/index.js';
import {
  loadKeyring,
  saveVerification,
  verifyImage,
  type ImageVerification,
} from '../../verification/index.js';
import { CommandError, EXIT } from '../exit-codes.js';
import { openConfiguredStore } from '../store.js';

interface VerifyOptions {
  expectedIdentity: string;
  publicKey: string[];
  config?: string;
  save?: boolean;
  strict?: boolean;
  json?: boolean;
}

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description("verify an image's stored signatures; --save records the verdicts")
    .argument('<image>', 'registry/repository@sha256:<hex>')
    .requiredOption('--expected-identity <reference>', 'the docker reference signatures must name')
    .requiredOption('--public-key <file...>', 'trusted public key file(s): armored, binary or keyrings')
    .option('--config <file>', 'daemon config file (names the store)')
    .option('--save', 'append each verdict (who, when, key, identity) to the signature history')
    .option('--strict', 'reject weak legacy material (RSA < 2048 bits, SHA-1) instead of warning')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Examples:
  sigmirror verify registry.redhat.io/ubi9/ubi@sha256:<hex> \\
    --expected-identity registry.redhat.io/ubi9/ubi:latest --public-key /etc/pki/rpm-gpg/RPM-GPG-KEY-redhat-release
  sigmirror verify quay.io/ns/app@sha256:<hex> --expected-identity quay.io/ns/app:v1 --public-key k.asc --save --json

A failed check is recorded as failed Trusted/ForImage conditions; verify never deletes signatures
(that is \`sigmirror signatures remove\`).
Exit codes: 0 at least one signature is trusted for the identity; 1 none is; 2 invalid arguments.`,
    )
    .action(async (reference: string, opts: VerifyOptions) => {
      let image;
      try {
        image = imageKeyFromReference(reference);
        expectedIdentityRule(opts.expectedIdentity);
      } catch (err) {
        if (err instanceof ReferenceError) throw new CommandError(err.message, EXIT.USAGE);
        throw err;
      }
      const keyring = await loadKeyring(opts.publicKey).catch((err: unknown) => {
        if (err instanceof KeyError) throw new CommandError(err.message, EXIT.USAGE);
        throw err;
      });
      const opened = await openConfiguredStore(opts.config, { index: opts.save ? 'optional' : 'none' });
      const store = opened.store;
      try {
        const result = await verifyImage({
          store,
          image,
          keyring,
          expectedIdentity: opts.expectedIdentity,
          strict: opts.strict ?? false,
        });
        if (opts.save) await saveVerification(store, result, `cli:${userInfo().username}`);
        if (opts.json)
          console.log(
            JSON.stringify({ ...result, image: imageKeyString(image), saved: Boolean(opts.save) }, null, 2),
          );
        else print(result, Boolean(opts.save));
        if (!result.verified) process.exitCode = EXIT.FAILURE;
      } finally {
        await opened.close();
      }
    });
}

function print(result: ImageVerification, saved: boolean): void {
  const name = imageKeyString(result.image);
  if (result.signatures.length === 0) {
    console.error(`sigmirror: ${name} has no stored signatures`);
    return;
  }
  for (const s of result.signatures) {
    const key = s.keyFingerprint
      ? ` key ${s.keyFingerprint}${s.subkeyFingerprint ? ` (subkey ${s.subkeyFingerprint})` : ''}`
      : '';
    const detail = s.verdict === 'trusted' ? ` identity ${s.identity}` : `: ${s.reason}`;
    console.log(`signature-${s.index}\t${s.verdict}${key}${detail}`);
    for (const w of s.warnings) console.log(`signature-${s.index}\twarning: ${w}`);
  }
  const verdict = result.verified ? 'verified' : 'NOT verified';
  console.log(`${name} is ${verdict} for ${result.expectedIdentity}${saved ? ' (verdicts saved)' : ''}`);
}
