/**
 * Exit codes and error codes of every command: one catalogue (documented in docs/cli.md and
 * README.md). A command fails by throwing CommandError with a code; main.ts renders it as
 * `sigmirror: <message>`, or with --json as `{"error": {"code", "message"}}` on stderr.
 */
export const EXIT = {
  OK: 0,
  /** The command ran and the answer is "no" or something failed (bad config, failed job). */
  FAILURE: 1,
  /** The command line or an argument is invalid. */
  USAGE: 2,
  /** The image is not in the store (verify, images describe). */
  UNKNOWN_IMAGE: 3,
} as const;

/** Stable error codes and the exit code each ends the command with. Never rename one. */
export const ERROR_CODES = {
  /** The command line is invalid: an unknown command or option, a missing argument, options that conflict. */
  USAGE: EXIT.USAGE,
  /** An argument or option value is invalid: a reference, digest, tag, role, name, index or URL. */
  INVALID_ARGUMENT: EXIT.USAGE,
  /** A file named on the command line cannot be read. */
  UNREADABLE_FILE: EXIT.USAGE,
  /** A key file holds no usable key. */
  INVALID_KEY: EXIT.USAGE,
  /** The policy.json given is invalid. */
  INVALID_POLICY: EXIT.USAGE,
  /** The image has no such signature (signatures remove --index). */
  SIGNATURE_UNKNOWN: EXIT.USAGE,
  /** The daemon config file cannot be read or is invalid (every problem is listed with its line). */
  CONFIG_INVALID: EXIT.FAILURE,
  /** The registries.d directory is invalid. */
  REGISTRIES_INVALID: EXIT.FAILURE,
  /** The reference's lookaside URL cannot be used. */
  LOOKASIDE_UNUSABLE: EXIT.FAILURE,
  /** No Redis answers at the configured (or embedded) URL. */
  REDIS_UNAVAILABLE: EXIT.FAILURE,
  /** import --wait: no worker consumes the import queue on that Redis and prefix. */
  NO_WORKER: EXIT.FAILURE,
  /** import --wait: at least one import failed. */
  IMPORT_FAILED: EXIT.FAILURE,
  /** import --wait: the imports did not end within --timeout. */
  WAIT_TIMEOUT: EXIT.FAILURE,
  /** The store does not know the image. */
  IMAGE_UNKNOWN: EXIT.UNKNOWN_IMAGE,
  /** policy check: there is no signature store at the configured path. */
  NO_STORE: EXIT.FAILURE,
  /** The manifest file is not a manifest whose digest can be computed. */
  MANIFEST_INVALID: EXIT.FAILURE,
  /** sign: the key could not sign (wrong passphrase, unusable key). */
  SIGNING_FAILED: EXIT.FAILURE,
  /** sign --upload: the server did not store the signature. */
  UPLOAD_FAILED: EXIT.FAILURE,
  /** A file could not be written. */
  WRITE_FAILED: EXIT.FAILURE,
  /** release configmap: a release's signatures exceed what one ConfigMap may hold (1 MiB). */
  CONFIGMAP_TOO_LARGE: EXIT.FAILURE,
  /** release configmap: the release is not in the store. */
  RELEASE_UNKNOWN: EXIT.FAILURE,
  /** signatures remove: the removal was not confirmed. */
  NOT_CONFIRMED: EXIT.FAILURE,
  /** Anything else (a bug, an unexpected system error). */
  INTERNAL: EXIT.FAILURE,
} as const;

export type CliErrorCode = keyof typeof ERROR_CODES;

/** An error that ends a command with a code, a message and the code's exit code (no stack trace). */
export class CommandError extends Error {
  readonly exitCode: number;
  constructor(
    message: string,
    readonly code: CliErrorCode,
  ) {
    super(message);
    this.exitCode = ERROR_CODES[code];
  }
}
