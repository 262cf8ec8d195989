/** `sigmirror token create`: a new random API token and the tokens-file entry holding its hash. */
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { ROLES, tokenHash, type Role } from '../../auth/index.js';
import { CommandError } from '../exit-codes.js';

/** 32 random bytes: far beyond guessing, and short enough for a header. */
const TOKEN_BYTES = 32;

export function registerToken(program: Command): void {
  const token = program
    .command('token')
    .description('manage API tokens')
    .addHelpText(
      'after',
      `
Examples:
  sigmirror token create --name ops --role admin
  sigmirror token create --help

Exit codes: 0 the subcommand succeeded; 1 it failed (its --help says when); 2 a missing or
unknown subcommand, or invalid arguments.`,
    );
  token
    .command('create')
    .description('print a new token and the entry to add to auth.tokensFile (only the hash is stored)')
    .requiredOption('--name <name>', 'who the token is for, e.g. ci-signer')
    .option('--role <role...>', `roles: ${ROLES.join(', ')}`, ['reader'])
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Examples:
  sigmirror token create --name ci-signer --role signer
  sigmirror token create --name registry --role importer --json

Exit codes: 0 created; 2 an unknown role or an invalid name.`,
    )
    .action((opts: { name: string; role: string[]; json?: boolean }) => {
      const bad = opts.role.filter((r) => !(ROLES as readonly string[]).includes(r));
      if (bad.length)
        throw new CommandError(
          `unknown role ${bad.join(', ')} (roles: ${ROLES.join(', ')})`,
          'INVALID_ARGUMENT',
        );
      if (!/^[A-Za-z0-9._-]{1,64}$/.test(opts.name))
        throw new CommandError('--name: 1-64 of A-Z a-z 0-9 . _ -', 'INVALID_ARGUMENT');
      const value = randomBytes(TOKEN_BYTES).toString('base64url');
      const entry = { name: opts.name, sha256: tokenHash(value), roles: opts.role as Role[] };
      if (opts.json) {
        console.log(JSON.stringify({ token: value, entry }, null, 2));
        return;
      }
      console.log(`token (shown once; give it to ${opts.name}): ${value}\n`);
      console.log('add to auth.tokensFile under "tokens:":');
      console.log(
        `  - name: ${entry.name}\n    sha256: ${entry.sha256}\n    roles: [${entry.roles.join(', ')}]`,
      );
    });
}
