/** A one-line progress bar on stderr (redrawn on a TTY, a line every 10 s otherwise). */
export class Progress {
  private lastPlain = 0;
  private readonly tty = process.stderr.isTTY === true;
  constructor(private readonly quiet = false) {}

  update(fraction: number, text: string): void {
    if (this.quiet) return;
    const width = 24;
    const f = Math.max(0, Math.min(1, fraction));
    const filled = Math.round(f * width);
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(f * 100)).padStart(3)}%`;
    if (this.tty) {
      const cols = process.stderr.columns || 120;
      process.stderr.write(`\r${`${bar} ${text}`.slice(0, cols - 1).padEnd(cols - 1)}`);
    } else if (Date.now() - this.lastPlain >= 10000 || f >= 1) {
      this.lastPlain = Date.now();
      process.stderr.write(`${bar} ${text}\n`);
    }
  }

  done(): void { if (!this.quiet && this.tty) process.stderr.write('\n'); }
  note(text: string): void { if (!this.quiet) process.stderr.write(`${this.tty ? '\r' : ''}${text}\n`); }
}
