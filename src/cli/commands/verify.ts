/**
 * `sigmirror verify <registry/repo@sha256:…>`: verifies the stored signatures of an image (like
 * `oc adm verify-image-signature`); `--save` appends the verdicts to each signature's history.
 */
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { imageKeyFromReference, imageReference, ReferenceError } from '../../reference/index.js';
import { expectedIdentityRule, KeyError } from '../../signature/index.js';
import {
  describeOutcome,
  ImageUnknownError,
  loadKeyring,
  saveVerification,
  verifyImage,
  type ImageVerification,
} from '../../verification/index.js';
import { CommandError, EXIT } from '../exit-codes.js';
import { warn } from '../output.js';
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

Each signature's verdict is trusted, rejected or unsupported, with the stage that refused it and
why (the words of POST /v1/verify; see docs/verify.md). A failed check is recorded as failed
Trusted/ForImage conditions; verify never deletes signatures (that is \`sigmirror signatures remove\`).
Exit codes: 0 at least one signature is trusted for the identity; 1 none is (or the image has no
signatures); 2 invalid arguments or keys; 3 the image is unknown to the store (IMAGE_UNKNOWN).`,
    )
    .action(verifyCommand);
}

function print(result: ImageVerification, saved: boolean): void {
  const name = imageReference(result.image);
  if (result.signatures.length === 0) warn(`${name} has no stored signatures`);
  for (const s of result.signatures) {
    console.log(`signature-${s.index}\t${describeOutcome(s)}`);
    for (const w of s.warnings) warn(`signature-${s.index}: ${w}`);
  }
  const verdict = result.verified ? 'verified' : 'NOT verified';
  console.log(`${name} is ${verdict} for ${result.expectedIdentity}${saved ? ' (verdicts saved)' : ''}`);
}

async function verifyCommand(reference: string, opts: VerifyOptions): Promise<void> {
  let image;
  try {
    image = imageKeyFromReference(reference);
    expectedIdentityRule(opts.expectedIdentity);
  } catch (err) {
    if (err instanceof ReferenceError) throw new CommandError(err.message, 'INVALID_ARGUMENT');
    throw err;
  }
  const keyring = await loadKeyring(opts.publicKey).catch((err: unknown) => {
    if (err instanceof KeyError) throw new CommandError(err.message, 'INVALID_KEY');
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
    }).catch((err: unknown) => {
      if (err instanceof ImageUnknownError)
        throw new CommandError(
          `${err.message}: import it first (\`sigmirror import ${imageReference(image)}\`)`,
          'IMAGE_UNKNOWN',
        );
      throw err;
    });
    if (opts.save) await saveVerification(store, result, `cli:${userInfo().username}`);
    if (opts.json)
      console.log(
        JSON.stringify({ ...result, image: imageReference(image), saved: Boolean(opts.save) }, null, 2),
      );
    else print(result, Boolean(opts.save));
    if (!result.verified) process.exitCode = EXIT.FAILURE;
  } finally {
    await opened.close();
  }
}
