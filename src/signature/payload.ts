/**
 * Simple-signing payload → untrusted fields (containers/image signature/simple.go
 * untrustedSignature.UnmarshalJSON, strict). Nothing here is trusted: callers that have not run
 * verify must treat every field as a claim. Keep in sync with docs/spec/simple-signing.md §Payload.
 */
import { digestProblem, parseNormalizedReference, ReferenceError } from '../reference/index.js';

/** The claims of a payload, named so nobody mistakes them for verified facts. */
export interface UntrustedSignatureInfo {
  readonly untrustedDockerManifestDigest: string;
  readonly untrustedDockerReference: string;
  readonly untrustedCreator: string | undefined;
  readonly untrustedTimestamp: number | undefined;
}

export class PayloadError extends Error {
  override readonly name = 'PayloadError';
}

const SIGNATURE_TYPE = 'atomic container signature';

type Json = Record<string, unknown>;

function object(value: unknown, what: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new PayloadError(`${what} is not a JSON object`);
  return value as Json;
}

/** Exactly these keys, no others (an unknown critical key may carry a constraint we do not know). */
function exactKeys(value: Json, keys: readonly string[], what: string): void {
  for (const key of Object.keys(value))
    if (!keys.includes(key)) throw new PayloadError(`unknown key "${key}" in ${what}`);
  for (const key of keys) if (!(key in value)) throw new PayloadError(`${what} has no "${key}"`);
}

/** Parses and strictly validates the payload; throws PayloadError with containers/image's reason. */
export function parsePayload(data: Uint8Array): UntrustedSignatureInfo {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(data).toString('utf8'));
  } catch (err) {
    // V8 quotes the input in its message: drop it (attacker-controlled, and may span lines).
    const why = (err as Error).message
      .replace(/, ".*"(?:\.\.\.)? is not valid JSON$/s, '') // long inputs end in `"...`
      .replace(/ in JSON at position \d.*$/s, '');
    throw new PayloadError(`payload is not JSON: ${why}`);
  }
  const top = object(json, 'the signature payload');
  const critical = object(top.critical, '"critical"');
  exactKeys(critical, ['type', 'image', 'identity'], '"critical"');
  if (critical.type !== SIGNATURE_TYPE)
    throw new PayloadError(`unrecognized signature type ${JSON.stringify(critical.type)}`);
  const image = object(critical.image, '"critical.image"');
  exactKeys(image, ['docker-manifest-digest'], '"critical.image"');
  const identity = object(critical.identity, '"critical.identity"');
  exactKeys(identity, ['docker-reference'], '"critical.identity"');
  const digest = image['docker-manifest-digest'];
  if (typeof digest !== 'string' || digestProblem(digest))
    throw new PayloadError(`invalid docker-manifest-digest ${JSON.stringify(digest)}`);
  const reference = identity['docker-reference'];
  if (typeof reference !== 'string') throw new PayloadError('docker-reference is not a string');
  try {
    parseNormalizedReference(reference);
  } catch (err) {
    if (err instanceof ReferenceError)
      throw new PayloadError(`Invalid docker reference ${reference} in signature`);
    throw err;
  }
  const optional = top.optional === undefined ? {} : object(top.optional, '"optional"');
  const { creator, timestamp } = optional;
  if (creator !== undefined && typeof creator !== 'string')
    throw new PayloadError('optional.creator is not a string');
  if (timestamp !== undefined && !Number.isInteger(timestamp))
    throw new PayloadError('optional.timestamp is not an integer');
  return {
    untrustedDockerManifestDigest: digest,
    untrustedDockerReference: reference,
    untrustedCreator: creator as string | undefined,
    untrustedTimestamp: timestamp as number | undefined,
  };
}
