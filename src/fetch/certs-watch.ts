/**
 * Live reload of the CAs (certs.d directories and the system bundles): no restart after adding
 * or changing a CA. A stat poll rather than chokidar: the directories are tiny, often missing
 * until an admin creates them, and updated by symlink flips (Kubernetes secrets) or by
 * update-ca-trust replacing the bundle, which a stat of every path sees alike.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

/** How often the CA files are checked: a changed CA applies within this plus one request. */
export const CERTS_POLL_MS = 500;

/** Every file's identity under `paths` (two levels: `<dir>/<host>/<file>`), as one string. */
export async function certsFingerprint(paths: readonly string[]): Promise<string> {
  const parts: string[] = [];
  const visit = async (p: string, depth: number): Promise<void> => {
    const s = await stat(p).catch(() => undefined);
    if (!s) return;
    parts.push(`${p}:${s.ino}:${s.size}:${s.mtimeMs}`);
    if (!s.isDirectory() || depth === 0) return;
    const names = await readdir(p).catch(() => [] as string[]);
    for (const name of names.sort()) await visit(path.join(p, name), depth - 1);
  };
  for (const p of paths) await visit(p, 2);
  return parts.join('\n');
}

/** Calls `onChange` after the files under `paths` changed; stop with close(). */
export class CertsWatcher {
  private last: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private checking = false;

  constructor(
    private readonly paths: readonly string[],
    private readonly onChange: () => void,
    private readonly intervalMs = CERTS_POLL_MS,
  ) {}

  async start(): Promise<void> {
    this.last = await certsFingerprint(this.paths);
    this.timer = setInterval(() => void this.check(), this.intervalMs).unref();
  }

  private async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const now = await certsFingerprint(this.paths);
      if (now !== this.last) {
        this.last = now;
        this.onChange();
      }
    } finally {
      this.checking = false;
    }
  }

  close(): void {
    clearInterval(this.timer);
  }
}
