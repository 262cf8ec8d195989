/**
 * What an evaluation reports: for each requirement of the chosen list its verdict and reason and,
 * for signedBy, every signature's verdict. Plain data (JSON-printable).
 */
import type { RejectionStage } from '../signature/index.js';
import type { PolicyImage } from './image.js';

/**
 * `allowed`/`denied` are the host's verdict; `unsupported` means sigmirror cannot tell (it holds
 * no sigstore attachments), and counts as "not allowed".
 */
export type RequirementVerdict = 'allowed' | 'denied' | 'unsupported';

/** One signature judged by a signedBy requirement. */
export interface SignatureOutcome {
  readonly index: number;
  readonly verdict: 'accepted' | 'rejected';
  /** Why it was rejected (containers/image's wording where it has one). */
  readonly reason: string | undefined;
  readonly stage: RejectionStage | 'key' | undefined;
  readonly keyFingerprint: string | undefined;
  readonly subkeyFingerprint: string | undefined;
  /** The signed docker reference: a fact when accepted, an untrusted claim otherwise. */
  readonly signedReference: string | undefined;
  readonly warnings: readonly string[];
}

/** The keys a signedBy requirement loaded, or why none could be. */
export interface KeysOutcome {
  /** `keyPath` files as written in the policy, or `keyData`. */
  readonly sources: readonly string[];
  /** Primary fingerprints, upper-case hex. */
  readonly fingerprints: readonly string[];
  readonly error: string | undefined;
}

/** One requirement of the chosen list. */
export interface RequirementOutcome {
  /** 0-based position in the list. */
  readonly index: number;
  readonly type: string;
  readonly verdict: RequirementVerdict;
  readonly reason: string | undefined;
  /** signedBy only. */
  readonly keys?: KeysOutcome;
  /** signedBy only: every signature, in index order. */
  readonly signatures?: readonly SignatureOutcome[];
}

/** What a requirement evaluator returns (evaluate.ts adds the index). */
export type RequirementResult = Omit<RequirementOutcome, 'index'>;

/** What evaluators may use besides the requirement. */
export interface EvaluationContext {
  readonly image: PolicyImage;
  /**
   * Reads a keyPath/keyPaths file. containers/image opens the path as written, so a relative path
   * is relative to the working directory (not the policy file).
   */
  readonly readKeyFile: (path: string) => Promise<Uint8Array>;
  /** Verification time; default now. */
  readonly now?: Date | undefined;
}
