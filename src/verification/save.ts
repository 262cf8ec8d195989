/**
 * `--save`: one verification record per signature, appended to its history, in OpenShift's shape
 * (Trusted and ForImage conditions, issuedBy) plus sigmirror's facts. A failed check is recorded
 * as failed conditions; nothing is ever deleted or blanked (openshift/origin#16301).
 * Keep in sync with docs/spec/simple-signing.md §sigmirror's verify.
 */
import type { ImageKey, SignatureStore, VerificationRecord } from '../store/index.js';
import type { ImageVerification, SignatureReport } from './verify-image.js';

/** Stages after which the OpenPGP signature itself was good (Trusted) but not for this image. */
const CRYPTO_PASSED: ReadonlySet<string> = new Set(['payload', 'digest', 'identity']);

interface Condition {
  readonly type: 'Trusted' | 'ForImage';
  readonly status: 'True' | 'False';
  readonly lastProbeTime: string;
  readonly lastTransitionTime: string;
  readonly reason: string;
  readonly message: string;
}

/** The record for one report. */
export function verificationRecord(
  report: SignatureReport,
  context: { readonly by: string; readonly at: string; readonly expectedIdentity: string },
): VerificationRecord {
  const trusted = report.verdict === 'trusted' || CRYPTO_PASSED.has(report.stage ?? '');
  const forImage = report.verdict === 'trusted';
  const condition = (type: Condition['type'], ok: boolean): Condition => ({
    type,
    status: ok ? 'True' : 'False',
    lastProbeTime: context.at,
    lastTransitionTime: context.at,
    reason: ok ? 'manually verified' : 'verification failed',
    message: ok ? `verified by user "${context.by}"` : (report.reason ?? 'verification failed'),
  });
  return {
    at: context.at,
    by: context.by,
    expectedIdentity: context.expectedIdentity,
    verdict: report.verdict,
    stage: report.stage,
    reason: report.reason,
    keyId: report.keyId,
    keyFingerprint: report.keyFingerprint,
    subkeyFingerprint: report.subkeyFingerprint,
    identity: report.identity,
    digest: report.digest,
    issuedBy: trusted ? { commonName: report.keyId } : null,
    conditions: [condition('Trusted', trusted), condition('ForImage', forImage)],
  };
}

/** Appends every report's record to the store; returns how many were written. */
export async function saveVerification(
  store: SignatureStore,
  result: ImageVerification,
  by: string,
  now: Date = new Date(),
): Promise<number> {
  const at = now.toISOString();
  const image: ImageKey = result.image;
  for (const report of result.signatures)
    await store.recordVerification(
      image,
      report.index,
      verificationRecord(report, { by, at, expectedIdentity: result.expectedIdentity }),
    );
  return result.signatures.length;
}
