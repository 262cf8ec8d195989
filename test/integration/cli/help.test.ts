/**
 * Every command's --help, read from the command tree buildProgram() makes (so a new command is
 * checked without touching this test): it has an "Examples:" block of `sigmirror …` lines and
 * says what its exit codes mean. The installed entry point prints the same text and exits 0.
 */
import test from 'ava';
import type { Command } from 'commander';
import { buildProgram } from '../../../src/cli/program.js';
import { sigmirror } from '../../helpers/cli.js';

/** Each command with its full name (`images list`), the root as `sigmirror`. */
function walk(command: Command, prefix: string[] = []): { name: string; command: Command }[] {
  const path = command.parent ? [...prefix, command.name()] : prefix;
  return [
    { name: path.length ? path.join(' ') : 'sigmirror', command },
    ...command.commands.flatMap((sub) => walk(sub, path)),
  ];
}

/** What `<command> --help` prints, including the text added after the options. */
function helpOf(command: Command): string {
  let out = '';
  command.configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (out += s) });
  command.outputHelp();
  return out;
}

const commands = walk(buildProgram());

test('the walk sees every command and subcommand', (t) => {
  t.deepEqual(
    commands.map((c) => c.name),
    [
      'sigmirror',
      'resolve',
      'import',
      'serve',
      'worker',
      'token',
      'token create',
      'policy',
      'policy check',
      'verify-blob',
      'verify',
      'sign',
      'signatures',
      'signatures remove',
      'signatures restore',
      'images',
      'images list',
      'images describe',
      'images reindex',
      'host-config',
      'release',
      'release import',
      'release configmap',
      'release verify',
      'release list',
      'version',
    ],
  );
});

test('every command has examples and documents its exit codes in --help', (t) => {
  const missing: string[] = [];
  for (const { name, command } of commands) {
    const help = helpOf(command);
    const examples = help.split('\nExamples:\n')[1];
    if (examples === undefined) missing.push(`${name}: no "Examples:"`);
    else if (!/^ {2}sigmirror \S/.test(examples))
      missing.push(`${name}: "Examples:" without a sigmirror line`);
    if (!/\bExit codes: [^\n]*\b0 /.test(help)) missing.push(`${name}: no "Exit codes: … 0 …"`);
  }
  t.deepEqual(missing, []);
});

test('every command that prints results offers --json', (t) => {
  // serve and worker run the daemon; the groups only hold subcommands.
  const noResults = new Set([
    'sigmirror',
    'serve',
    'worker',
    'token',
    'policy',
    'signatures',
    'images',
    'release',
  ]);
  const without = commands
    .filter(({ name, command }) => !noResults.has(name) && !command.options.some((o) => o.long === '--json'))
    .map(({ name }) => name);
  t.deepEqual(without, []);
});

test('the entry point prints the same help and exits 0', (t) => {
  const images = commands.find((c) => c.name === 'images reindex')!;
  const result = sigmirror(['images', 'reindex', '--help']);
  t.is(result.code, 0);
  t.is(result.stdout, helpOf(images.command));
  t.is(sigmirror(['images']).code, 2, 'a missing subcommand is a usage error');
});
