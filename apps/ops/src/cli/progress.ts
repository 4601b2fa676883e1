import { ConsoleIo } from './console-io';

/**
 * "label: 1200/5000 records" on stderr while a long operation runs: redrawn in place on a
 * terminal, at most one line every two seconds otherwise (CI logs stay readable).
 */
export class Progress {
  private lastDrawn = 0;
  private drewInPlace = false;

  constructor(
    private readonly io: ConsoleIo,
    private readonly label: string,
  ) {}

  update(done: number, total: number, unit = 'records'): void {
    const now = Date.now();
    const finished = done >= total;
    if (!finished && now - this.lastDrawn < (this.io.interactive ? 100 : 2000)) return;
    this.lastDrawn = now;
    const text = `${this.label}: ${done}/${total} ${unit}`;
    if (this.io.interactive) {
      this.io.err(`\r${text}\u001b[K`);
      this.drewInPlace = true;
    } else {
      this.io.err(`${text}\n`);
    }
  }

  done(summary?: string): void {
    if (this.drewInPlace) this.io.err('\r\u001b[K');
    if (summary) this.io.err(`${this.label}: ${summary}\n`);
  }
}
