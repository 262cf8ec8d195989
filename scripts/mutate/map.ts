/**
 * Which ava test files can kill a mutant in a module: every test file that itself imports a file
 * of the module's directory (computed from import statements, so it stays true as tests move),
 * plus EXTRA for code reached only through a server or a helper (the mirror route). Running only
 * these (never test/e2e) keeps one mutant's run to seconds; a mutant they miss is a missing test, not a slow one.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** Tests that reach a source directory through helpers/daemons rather than a direct import. */
export const EXTRA: Readonly<Record<string, readonly string[]>> = {
  'src/api': [
    'test/integration/api/mirror.test.ts',
    'test/integration/api/mirror-cache.test.ts',
    'test/unit/api/paths.test.ts',
  ],
  'src/api/routes': ['test/integration/api/mirror.test.ts', 'test/integration/api/mirror-cache.test.ts'],
};

const IMPORT = /\bfrom '([^']+)'/g; // import … from, export … from (multi-line too)

/** All `*.test.ts` files under `dir`, repository-relative, sorted. */
export function testFiles(dir = 'test'): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => path.join(dir, f))
    .sort();
}

/** Repository-relative `.ts` paths a test file imports (relative specifiers only). */
export function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)]
    .map((m) => m[1]!)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => path.normalize(path.join(path.dirname(file), spec)).replace(/\.js$/, '.ts'));
}

/** The test files for a target (a file or a directory under src/): direct importers plus EXTRA. */
export function testsFor(target: string, { unitOnly = false } = {}): string[] {
  const dir = target.endsWith('.ts') ? path.dirname(target) : target.replace(/\/$/, '');
  const inside = (p: string) => p === dir || p.startsWith(`${dir}/`);
  const direct = testFiles().filter((t) => importsOf(t).some((p) => inside(path.dirname(p)) || inside(p)));
  const extra = Object.entries(EXTRA)
    .filter(([d]) => d === dir)
    .flatMap(([, files]) => files);
  // e2e tests drive skopeo and chromium for minutes: too slow to run once per mutant.
  const all = [...new Set([...direct, ...extra])].filter((t) => !t.startsWith('test/e2e/')).sort();
  return unitOnly ? all.filter((t) => t.startsWith('test/unit/')) : all;
}
