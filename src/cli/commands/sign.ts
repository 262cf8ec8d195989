/**
 * `sigmirror sign`: makes a simple-signing signature hosts accept (like `skopeo standalone-sign`),
 * writes it to a file and/or uploads it to a sigmirror through the signatures API (signer role).
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { request } from 'undici';
import {
  imageKeyFromReference,
  imageReference,
  parseNormalizedReference,
  ReferenceError,
} from '../../reference/index.js';
import { buildPayload, readSigningKey, signPayload, SigningError } from '../../signature/index.js';
import { type ImageKey } from '../../store/index.js';
import { VERSION } from '../../version.js';
import { digestFromOptions } from '../digest-option.js';
import { CommandError } from '../exit-codes.js';

interface SignOptions {
  key: string;
  passphraseFile?: string;
  identity: string;
  manifest?: string;
  digest?: string;
  output?: string;
  upload?: string;
  image?: string;
  tokenFile?: string;
  json?: boolean;
}

/** Upload requests give up after this long (the API answers a PUT in milliseconds). */
const UPLOAD_TIMEOUT_MS = 30_000;

export function registerSign(program: Command): void {
  program
    .command('sign')
    .description('sign an image digest for a docker reference (simple signing)')
    .requiredOption('--key <file>', 'OpenPGP private key (armored or binary)')
    .option('--passphrase-file <file>', "the private key's passphrase (first line)")
    .requiredOption(
      '--identity <reference>',
      'the docker reference to sign, e.g. registry.example.com/ns/app:v1',
    )
    .option('--manifest <file>', 'the image manifest (its digest is signed)')
    .option('--digest <sha256:hex>', 'the image digest, when there is no manifest file')
    .option('-o, --output <file>', 'write the signature here')
    .option('--upload <url>', 'add it to the sigmirror at this URL (needs a signer token)')
    .option(
      '--image <registry/repo@sha256:hex>',
      'with --upload: store under this image (default: identity + digest)',
    )
    .option('--token-file <file>', 'with --upload: file holding the API token (default: $SIGMIRROR_TOKEN)')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Examples:
  sigmirror sign --key signer.asc --identity registry.example.com/ns/app:v1 --manifest manifest.json -o signature-1
  sigmirror sign --key signer.gpg --passphrase-file pass.txt --identity quay.io/ns/app:v1 \\
    --digest sha256:<hex> --upload https://sigmirror.example.com --token-file signer.token --json

Exit codes: 0 signed (and uploaded); 1 signing or upload failed; 2 invalid arguments or files.`,
    )
    .action(signCommand);
}

async function readText(file: string, what: string): Promise<string> {
  return readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new CommandError(`cannot read ${what} ${file}: ${err.code ?? err.message}`, 'UNREADABLE_FILE');
  });
}

/** The identity is signed as given; it must parse, as hosts reject invalid references. */
function checkIdentity(identity: string): string {
  try {
    parseNormalizedReference(identity);
    return identity;
  } catch (err) {
    if (err instanceof ReferenceError)
      throw new CommandError(`--identity: ${err.message}`, 'INVALID_ARGUMENT');
    throw err;
  }
}

/** PUT /extensions/v2/<registry>/<repo>/signatures/<digest>, as any OpenShift signing script does. */
async function upload(
  opts: SignOptions,
  identity: string,
  digest: string,
  signature: Uint8Array,
): Promise<{ name: string; location: string }> {
  const image = uploadImage(opts, identity, digest);
  const token = opts.tokenFile
    ? (await readText(opts.tokenFile, 'token file')).trim()
    : process.env.SIGMIRROR_TOKEN?.trim();
  if (!token)
    throw new CommandError('--upload needs a token: --token-file FILE or $SIGMIRROR_TOKEN', 'USAGE');
  const base = uploadBase(opts.upload!);
  const name = `${digest}@${randomBytes(16).toString('hex')}`;
  const url = new URL(
    `${base.pathname.replace(/\/$/, '')}/extensions/v2/${image.registry}/${image.repository}/signatures/${digest}`,
    base,
  );
  const body = JSON.stringify({
    schemaVersion: 2,
    name,
    type: 'atomic',
    content: Buffer.from(signature).toString('base64'),
  });
  let response;
  try {
    response = await request(url, {
      method: 'PUT',
      body,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      headersTimeout: UPLOAD_TIMEOUT_MS,
      bodyTimeout: UPLOAD_TIMEOUT_MS,
    });
  } catch (err) {
    throw new CommandError(`upload to ${url.origin} failed: ${(err as Error).message}`, 'UPLOAD_FAILED');
  }
  const text = await response.body.text();
  if (response.statusCode !== 201)
    throw new CommandError(
      `upload to ${url.origin} failed: HTTP ${response.statusCode} ${text.slice(0, 500)}`,
      'UPLOAD_FAILED',
    );
  return { name, location: new URL(String(response.headers.location ?? url.pathname), url).href };
}

/** The image the signature is stored under: --image, else the identity's name with the signed digest. */
function uploadImage(opts: SignOptions, identity: string, digest: string): ImageKey {
  let image: ImageKey;
  try {
    if (opts.image) image = imageKeyFromReference(opts.image);
    else {
      const ref = parseNormalizedReference(identity);
      image = { registry: ref.domain, repository: ref.path, digest };
    }
  } catch (err) {
    if (err instanceof ReferenceError) throw new CommandError(`--image: ${err.message}`, 'INVALID_ARGUMENT');
    throw err;
  }
  if (image.digest !== digest)
    throw new CommandError(
      `--image ${imageReference(image)} names another digest than the signed ${digest}`,
      'INVALID_ARGUMENT',
    );
  return image;
}

function uploadBase(upload: string): URL {
  try {
    const base = new URL(upload);
    if (['http:', 'https:'].includes(base.protocol)) return base;
  } catch {
    // reported below
  }
  throw new CommandError(`--upload: "${upload}" is not an http(s) URL`, 'INVALID_ARGUMENT');
}

async function signCommand(opts: SignOptions): Promise<void> {
  if (!opts.output && !opts.upload) throw new CommandError('give -o FILE, --upload URL, or both', 'USAGE');
  const digest = await digestFromOptions(opts);
  const identity = checkIdentity(opts.identity);
  const passphrase = opts.passphraseFile
    ? (await readText(opts.passphraseFile, 'passphrase file')).split(/\r?\n/)[0]
    : undefined;
  const keyBytes = await readFile(opts.key).catch((err: NodeJS.ErrnoException) => {
    throw new CommandError(
      `cannot read private key ${opts.key}: ${err.code ?? err.message}`,
      'UNREADABLE_FILE',
    );
  });
  let signature: Uint8Array;
  try {
    const key = await readSigningKey(keyBytes, passphrase);
    const payload = buildPayload({
      manifestDigest: digest,
      dockerReference: identity,
      creator: `sigmirror ${VERSION}`,
      timestamp: Math.floor(Date.now() / 1000),
    });
    signature = await signPayload(payload, key);
  } catch (err) {
    if (err instanceof SigningError) throw new CommandError(err.message, 'SIGNING_FAILED');
    throw err;
  }
  if (opts.output)
    await writeFile(opts.output, signature).catch((err: NodeJS.ErrnoException) => {
      throw new CommandError(`cannot write ${opts.output}: ${err.code ?? err.message}`, 'WRITE_FAILED');
    });
  const uploaded = opts.upload ? await upload(opts, identity, digest, signature) : undefined;
  if (opts.json)
    console.log(
      JSON.stringify({ identity, digest, output: opts.output ?? null, uploaded: uploaded ?? null }, null, 2),
    );
  else {
    if (opts.output)
      console.log(`wrote ${opts.output} (${signature.length} bytes) for ${identity} ${digest}`);
    if (uploaded) console.log(`uploaded ${uploaded.name} to ${uploaded.location}`);
  }
}
