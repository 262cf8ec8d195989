/**
 * External tools and services for interop tests. Under CI=true a missing tool FAILS the test
 * (.ci/run installs them); on a developer machine it skips with the install command.
 */
import { execFileSync } from 'node:child_process';
import type { ExecutionContext } from 'ava';

function has(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** True when every tool is on PATH; otherwise fails (CI) or marks the test skipped-by-pass. */
export function requireTools(t: ExecutionContext, ...tools: string[]): boolean {
  const missing = tools.filter((tool) => !has(tool));
  if (missing.length === 0) return true;
  const message = `missing tools: ${missing.join(', ')} (apt-get install -y skopeo docker-registry gnupg)`;
  if (process.env.CI === 'true') t.fail(message);
  else {
    t.log(`SKIPPED: ${message}`);
    t.pass();
  }
  return false;
}
