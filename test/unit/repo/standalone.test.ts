/**
 * The repository stands alone: no tracked file points outside it (a sibling shared/ folder, a
 * developer's absolute path, a markdown link that climbs above the root), and every relative
 * markdown link reaches a file that exists. A clone on its own must build, test and read.
 */
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Built from parts so that this file does not match itself. */
const SHARED = ['..', 'shared'].join('/');
const FORBIDDEN: ReadonlyArray<readonly [RegExp, string]> = [
  [new RegExp(`${escape(SHARED)}\\b`), 'a sibling shared/ folder'],
  [new RegExp(`\\b${['shared', '(vectors|harness|spec|hooks)'].join('/')}\\b`), 'the shared/ folder'],
  [new RegExp(`SIGMIRROR_${'SHARED'}`), 'the variable that named the shared/ folder'],
  [new RegExp(`(^|[\\s'"\`(=:])/${'work'}/`), "an absolute path on the developer's machine"],
  [new RegExp(`(^|[\\s'"\`(=:])/${'home'}/[a-z]`), "an absolute path in someone's home"],
];

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function trackedFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' });
  return out.split('\0').filter(Boolean);
}

/** Text files only: a NUL byte marks a binary (keys, signatures). */
function readText(file: string): string | undefined {
  const bytes = readFileSync(path.join(ROOT, file));
  return bytes.includes(0) ? undefined : bytes.toString('utf8');
}

/** `[text](target)` links with a relative target (no scheme, no pure #anchor). */
function markdownLinks(text: string): string[] {
  const links: string[] = [];
  for (const m of text.matchAll(/\]\(<?([^)\s>]+)>?(?:\s+"[^"]*")?\)/g)) {
    const target = m[1]!;
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue;
    links.push(target);
  }
  return links;
}

/** Problems of one markdown link in `file`: outside the root, or nothing there. */
function linkProblem(file: string, target: string): string | undefined {
  const cut = target.search(/[#?]/);
  const bare = decodeURIComponent(cut === -1 ? target : target.slice(0, cut));
  if (bare.startsWith('/')) return `links to the absolute path ${target}`;
  const resolved = path.resolve(ROOT, path.dirname(file), bare);
  const relative = path.relative(ROOT, resolved);
  if (relative.startsWith('..') || path.isAbsolute(relative))
    return `links outside the repository: ${target}`;
  if (!existsSync(resolved)) return `links to a missing file: ${target}`;
  return undefined;
}

function problemsOf(file: string, text: string): string[] {
  const problems: string[] = [];
  text.split('\n').forEach((line, i) => {
    for (const [pattern, what] of FORBIDDEN)
      if (pattern.test(line)) problems.push(`${file}:${i + 1}: refers to ${what}: ${line.trim()}`);
  });
  if (file.endsWith('.md'))
    for (const target of markdownLinks(text)) {
      const problem = linkProblem(file, target);
      if (problem) problems.push(`${file}: ${problem}`);
    }
  return problems;
}

test('no tracked file refers outside the repository', (t) => {
  const files = trackedFiles();
  t.true(files.includes('package.json'), 'git ls-files lists the repository');
  const problems = files.flatMap((file) => {
    const text = readText(file);
    return text === undefined ? [] : problemsOf(file, text);
  });
  t.deepEqual(problems, []);
});

test('the checks catch each way of leaving the repository', (t) => {
  const bad = [
    `const dir = '${SHARED}/vectors';`,
    `see ${['shared', 'vectors'].join('/')}/MANIFEST.md`,
    `process.env.SIGMIRROR_${'SHARED'}`,
    `cat /${'work'}/notes/x.md`,
  ];
  for (const line of bad) t.not(problemsOf('x.ts', line).length, 0, line);
  t.deepEqual(problemsOf('docs/a.md', '[up](../../outside.md)'), [
    'docs/a.md: links outside the repository: ../../outside.md',
  ]);
  t.deepEqual(problemsOf('docs/a.md', '[gone](missing.md)'), [
    'docs/a.md: links to a missing file: missing.md',
  ]);
  t.deepEqual(problemsOf('docs/a.md', '[abs](/etc/passwd)'), [
    'docs/a.md: links to the absolute path /etc/passwd',
  ]);
  t.deepEqual(
    problemsOf('docs/a.md', '[ok](spec/lookaside.md#reading) [web](https://example.com/x) [anchor](#top)'),
    [],
  );
  t.deepEqual(problemsOf('src/a.ts', "const network = '/network/'; // sigmirror/working"), []);
});
