/** sigmirror's version, from package.json (one source of truth for --version and signature creators). */
import { readFileSync } from 'node:fs';

const packageJson = new URL('../../package.json', import.meta.url);
const fallback = new URL('../package.json', import.meta.url);

function read(): string {
  for (const file of [fallback, packageJson]) {
    try {
      const json = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version: string };
      if (json.name === 'sigmirror') return json.version;
    } catch {
      // running from source (src/) or built (dist/src/): one of the two exists
    }
  }
  return 'unknown';
}

export const VERSION = read();
