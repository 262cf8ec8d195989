/**
 * How the CLI writes to stderr: `sigmirror: …` lines, or with --json one JSON object per line
 * (`{"error": {"code", "message"}}`, `{"warning": {"message"}}`), so a script reading a command's
 * --json output never has to parse prose. Results go to stdout; main.ts decides the mode once.
 */
import type { CliErrorCode } from './exit-codes.js';

let jsonMode = false;

/** True when the command line asks for JSON (`--json` before any `--`). */
export function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}

export function setJsonMode(on: boolean): void {
  jsonMode = on;
}

export function isJsonMode(): boolean {
  return jsonMode;
}

/** The line an error ends a command with. */
export function errorLine(code: CliErrorCode, message: string): string {
  return jsonMode ? JSON.stringify({ error: { code, message } }) : `sigmirror: ${message}`;
}

/** A warning on stderr: the command goes on. */
export function warn(message: string): void {
  console.error(jsonMode ? JSON.stringify({ warning: { message } }) : `sigmirror: warning: ${message}`);
}
