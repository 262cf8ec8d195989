/**
 * The `sigmirror` command tree (commander), built without parsing anything: main.ts parses
 * process.argv with it, and test/integration/cli/help.test.ts walks it (every command's help has
 * "Examples:" and "Exit codes"). Each command lives in commands/<verb>.ts.
 */
import { Command } from 'commander';
import { registerHostConfig } from './commands/host-config.js';
import { registerImages } from './commands/images.js';
import { registerImport } from './commands/import.js';
import { registerPolicy } from './commands/policy.js';
import { registerRelease } from './commands/release.js';
import { registerResolve } from './commands/resolve.js';
import { registerServe } from './commands/serve.js';
import { registerSign } from './commands/sign.js';
import { registerSignatures } from './commands/signatures.js';
import { registerToken } from './commands/token.js';
import { registerVerify } from './commands/verify.js';
import { registerVerifyBlob } from './commands/verify-blob.js';
import { registerVersion } from './commands/version.js';
import { EXIT } from './exit-codes.js';
import { errorLine } from './output.js';
import { VERSION } from '../version.js';

/** `json`: usage errors are `{"error": {"code": "USAGE", …}}` lines, without the help text after them. */
export function buildProgram(options: { json?: boolean } = {}): Command {
  const json = options.json ?? false;
  const program = new Command('sigmirror')
    .description('mirror and serve container image signatures (lookaside sigstores)')
    .version(VERSION, '-V, --version', 'print the version')
    .showHelpAfterError(!json)
    .configureOutput({
      outputError: (text, write) =>
        write(json ? `${errorLine('USAGE', text.replace(/^error: /, '').trim())}\n` : text),
    })
    .addHelpText(
      'after',
      `
Examples:
  sigmirror serve --config /etc/sigmirror/sigmirror.yaml
  sigmirror resolve registry.redhat.io/ubi9/ubi:latest
  sigmirror import registry.redhat.io/ubi9/ubi@sha256:<hex> --wait
  sigmirror <command> --help

Exit codes: 0 success; 1 the answer is "no" or something failed (each command's --help says
which); 2 an invalid command line or argument; 3 the image is unknown to the store (verify,
images describe). With --json, an error is one line {"error": {"code", "message"}} on stderr.`,
    );
  // Set before the commands are added: each inherits it. A usage error exits 2, --help 0.
  program.exitOverride((err) => {
    process.exit(err.exitCode === 0 ? EXIT.OK : EXIT.USAGE);
  });

  registerResolve(program);
  registerImport(program);
  registerServe(program);
  registerToken(program);
  registerPolicy(program);
  registerVerifyBlob(program);
  registerVerify(program);
  registerSign(program);
  registerSignatures(program);
  registerImages(program);
  registerHostConfig(program);
  registerRelease(program);
  registerVersion(program);
  return program;
}
