#!/usr/bin/env node
/** `sigmirror`: the admin's command line (the command tree is program.ts). */
import { YamlSourceError } from '../yaml-source/index.js';
import { CommandError, EXIT } from './exit-codes.js';
import { buildProgram } from './program.js';

try {
  await buildProgram().parseAsync();
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
