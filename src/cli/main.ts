#!/usr/bin/env -S node --max-semi-space-size=2
/**
 * `sigmirror`: the admin's command line (the command tree is program.ts). The shebang caps V8's
 * young generation at 2 MB semi-spaces (16 MB by default): `sigmirror serve` then holds 25-30 MB
 * less RSS at the same requests/s (docs/benchmarks.md §Scale). The Dockerfile and `npm start`
 * pass the same flag.
 */
import { YamlSourceError } from '../yaml-source/index.js';
import { CommandError } from './exit-codes.js';
import { errorLine, setJsonMode, wantsJson } from './output.js';
import { buildProgram } from './program.js';

const json = wantsJson(process.argv.slice(2));
setJsonMode(json);
try {
  await buildProgram({ json }).parseAsync();
} catch (err) {
  const failure =
    err instanceof CommandError
      ? err
      : err instanceof YamlSourceError
        ? new CommandError(err.message, 'CONFIG_INVALID')
        : undefined;
  if (failure) {
    console.error(errorLine(failure.code, failure.message));
    process.exitCode = failure.exitCode;
  } else if (json) {
    // A bug or an unexpected system error: still one JSON object for the script reading stderr.
    console.error(errorLine('INTERNAL', err instanceof Error ? err.message : String(err)));
    process.exitCode = 1;
  } else {
    throw err;
  }
}
