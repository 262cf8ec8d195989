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

/** How many extra reads a changed tree gets to hold still before it is taken as it is. */
const SETTLE_READS = 5;

/** Calls `onChange` once after the files under `paths` changed; stop with close(). */
export class CertsWatcher {
  private last: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private checking = false;
  private closed = false;

  constructor(
    private readonly paths: readonly string[],
    private readonly onChange: () => void,
    private readonly intervalMs = CERTS_POLL_MS,
    private readonly read: (paths: readonly string[]) => Promise<string> = certsFingerprint,
  ) {}

  async start(): Promise<void> {
    this.last = await this.read(this.paths);
    this.timer = setInterval(() => void this.check(), this.intervalMs).unref();
  }

  private async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      let now = await this.read(this.paths);
      if (now === this.last) return;
      // A read is a walk of several stats, not a snapshot: one that overlapped a rename sees half
      // of it. Re-read until two reads agree, so one edit is one callback (not a torn one, then
      // the whole one).
      for (let i = 0; i < SETTLE_READS; i++) {
        const again = await this.read(this.paths);
        if (again === now) break;
        now = again;
      }
      this.last = now;
      if (!this.closed) this.onChange();
    } finally {
      this.checking = false;
    }
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
  }
}
