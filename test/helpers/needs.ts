/**
 * Tests that need Redis or external tools choose how they are declared once, at module load:
 * everything there → `test`; something missing → `test.skip` (a local run reports them as
 * skipped and logs why), or under CI=true a test that fails with the reason (.ci/run installs
 * every tool, so a missing one there is a broken CI, not a skip). Never `t.pass()`: a test that
 * did not run must not be reported as passed.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import test, { type Implementation } from 'ava';
import { redisAnswers } from '../../src/redis/index.js';
import { TEST_REDIS_URL } from './redis.js';

/** Declares one test: `(title, implementation)`, as ava's `test`. */
export type Declare = (title: string, implementation: Implementation<[]>) => void;
/** `test` and `test.serial`, each guarded the same way. */
export interface GuardedTest extends Declare {
  serial: Declare;
}
/** What a test file's guarded tests need. */
export interface Needs {
  redis?: boolean;
  tools?: readonly string[];
}

/** Debian packages for each tool (.ci/run installs them). */
const PACKAGES: Readonly<Record<string, string>> = {
  gpg: 'gnupg',
  'redis-cli': 'redis-tools',
  kubectl: 'kubernetes-client',
  nginx: 'nginx-light',
};
let redisUp: Promise<boolean> | undefined;

/** The test function for tests needing `what`, chosen now (call with top-level await). */
export async function needs(what: Needs): Promise<GuardedTest> {
  const missing = await missingFor(what);
  if (missing.length === 0) return Object.assign(test as Declare, { serial: test.serial as Declare });
  const reason = `missing: ${missing.join('; ')}`;
  if (process.env.CI === 'true') {
    const failing: Declare = (title) =>
      test(title, (t) => t.fail(`${reason} (CI=true: .ci/run provides every tool and a Redis)`));
    return Object.assign(failing, { serial: failing });
  }
  const file = path.relative(process.cwd(), fileURLToPath(test.meta.file));
  console.warn(`SKIPPED tests in ${file}: ${reason}`);
  return Object.assign(test.skip as Declare, { serial: test.serial.skip as Declare });
}

async function missingFor(what: Needs): Promise<string[]> {
  const missing = (what.tools ?? [])
    .filter((tool) => !hasTool(tool))
    .map((tool) => `${tool} (apt-get install -y ${PACKAGES[tool] ?? tool})`);
  if (what.redis) {
    redisUp ??= redisAnswers(TEST_REDIS_URL);
    if (!(await redisUp))
      missing.push(`Redis at ${TEST_REDIS_URL} (set SIGMIRROR_TEST_REDIS_URL or start redis-server)`);
  }
  return missing;
}

/** True when `tool` is on PATH. */
export function hasTool(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
