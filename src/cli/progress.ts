/** A progress bar on a terminal; plain lines otherwise (CI logs, pipes). */
import type { WriteStream } from 'node:tty';

export class Progress {
  private done = 0;

  constructor(
    private readonly total: number,
    private readonly out: NodeJS.WriteStream | WriteStream | undefined,
  ) {}

  tick(line: string): void {
    this.done++;
    if (!this.out) return;
    if (this.out.isTTY) {
      const width = 30;
      const filled = Math.round((this.done / this.total) * width);
      this.out.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.done}/${this.total}`);
    } else {
      this.out.write(`${this.done}/${this.total} ${line}\n`);
    }
  }

  end(): void {
    if (this.out?.isTTY) this.out.write('\n');
  }
}
