import { closeSync, existsSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

/** dbt's defaults: roll over at 10 MB, keep 5 old files. */
export const DEFAULT_LOG_MAX_BYTES = 10 * 1024 * 1024;
export const DEFAULT_LOG_BACKUPS = 5;

/**
 * An append-only file that rolls over by size: when a write would take it past `maxBytes`,
 * `tsdbt.log` becomes `tsdbt.log.1` (`.1` becomes `.2`, …, the oldest is dropped) and a new
 * file starts. `maxBytes` 0 means no limit. Writes are synchronous so nothing is lost when the
 * process exits right after a line (an error, a second Ctrl-C).
 */
export class RotatingFile {
  private fd: number | undefined;
  private size = 0;

  constructor(
    readonly file: string,
    private readonly maxBytes: number = DEFAULT_LOG_MAX_BYTES,
    private readonly backups: number = DEFAULT_LOG_BACKUPS,
  ) {}

  write(text: string): void {
    const bytes = Buffer.byteLength(text);
    if (this.fd === undefined) this.open();
    if (this.maxBytes > 0 && this.size > 0 && this.size + bytes > this.maxBytes) this.rotate();
    writeSync(this.fd!, text);
    this.size += bytes;
  }

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }

  private open(): void {
    mkdirSync(path.dirname(this.file), { recursive: true });
    this.fd = openSync(this.file, 'a');
    this.size = fstatSync(this.fd).size;
  }

  private rotate(): void {
    this.close();
    if (this.backups <= 0) {
      rmSync(this.file, { force: true });
    } else {
      rmSync(`${this.file}.${this.backups}`, { force: true });
      for (let index = this.backups - 1; index >= 1; index -= 1) {
        const older = `${this.file}.${index}`;
        if (existsSync(older)) renameSync(older, `${this.file}.${index + 1}`);
      }
      renameSync(this.file, `${this.file}.1`);
    }
    this.open();
  }
}
