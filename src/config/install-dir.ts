/**
 * The installation: the directory holding sigmirror's package.json (the checkout, or where the
 * package is installed), found from this file whether it runs from src/ (tsx) or dist/src/.
 * The embedded default config lives there, and its relative paths are relative to it, so that
 * `sigmirror` run from any directory reaches the daemon `npm start` started.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The nearest directory above `start` whose package.json is sigmirror's; the working directory if none. */
function findInstallDir(start: string): string {
  for (let dir = start; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && isSigmirror(manifest)) return dir;
  }
  return process.cwd(); // a copy of dist/ without its package.json: paths stay as before
}

function isSigmirror(manifest: string): boolean {
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'sigmirror';
  } catch {
    return false;
  }
}

export const INSTALL_DIR = findInstallDir(path.dirname(fileURLToPath(import.meta.url)));
