#!/usr/bin/env node
/** `sigmirror`: the admin's command line. Each command lives in commands/<verb>.ts. */
import { Command } from 'commander';
import { YamlSourceError } from '../yaml-source/index.js';
import { registerHostConfig } from './commands/host-config.js';
import { registerImages } from './commands/images.js';
import { registerImport } from './commands/import.js';
import { registerPolicy } from './commands/policy.js';
import { registerResolve } from './commands/resolve.js';
import { registerServe } from './commands/serve.js';
import { registerSign } from './commands/sign.js';
import { registerSignatures } from './commands/signatures.js';
import { registerToken } from './commands/token.js';
import { registerVerify } from './commands/verify.js';
import { registerVerifyBlob } from './commands/verify-blob.js';
import { CommandError, EXIT } from './exit-codes.js';

const program = new Command('sigmirror')
  .description('mirror and serve container image signatures (lookaside sigstores)')
  .showHelpAfterError()
  .configureOutput({ outputError: (text, write) => write(text) });
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

try {
  await program.parseAsync();
} catch (err) {
  if (err instanceof CommandError) {
    console.error(`sigmirror: ${err.message}`);
    process.exitCode = err.exitCode;
  } else if (err instanceof YamlSourceError) {
    console.error(`sigmirror: ${err.message}`);
    process.exitCode = EXIT.FAILURE;
  } else {
    throw err;
  }
}
