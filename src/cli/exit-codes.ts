/** Exit codes of every command (documented in README.md). */
export const EXIT = {
  OK: 0,
  /** The command ran and the answer is "no" or something failed (bad config, failed job). */
  FAILURE: 1,
  /** The command line or an argument is invalid. */
  USAGE: 2,
} as const;

/** An error that ends a command with a message and an exit code, without a stack trace. */
export class CommandError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.FAILURE,
  ) {
    super(message);
  }
}
