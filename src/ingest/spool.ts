/**
 * A reply too large to hold in memory, written to a file as it arrives (in a folder of its own
 * under the system's temporary folder, TMPDIR), read back in chunks, and removed once landed or
 * rejected. The files are tsdbt's own: nothing else is ever written or removed here.
 *
 * A process killed while it holds a spool cannot remove it, so each folder's name says who made
 * it (`tsdbt-reply-<pid>@<host>-XXXXXX`), and the next ingest removes the folders of processes of
 * this host that are gone. A folder of another host (a shared TMPDIR), of a live process, or not
 * named so is never touched.
 */
import { closeSync, lstatSync, mkdtempSync, openSync, readdirSync, readSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Spool {
  /** The reply's bytes. */
  readonly file: string;
  readonly bytes: number;
  /** A sibling file for what is made from the reply (the rows to insert). */
  sibling(name: string): string;
  remove(): void;
}

export interface SpoolWriter {
  write(chunk: Uint8Array): void;
  /** Closes the file: the reply is complete. */
  finish(): Spool;
  /** Removes everything: the reply was abandoned. */
  discard(): void;
}

const SPOOL_PREFIX = 'tsdbt-reply-';
const SPOOL_NAME = /^tsdbt-reply-(\d+)@(.+)-[A-Za-z0-9]{6}$/;

/** This host's name as it appears in a spool folder's name. */
function hostToken(): string {
  return os.hostname().replace(/[^A-Za-z0-9._-]/g, '_') || 'host';
}

export function createSpool(): SpoolWriter {
  const dir = mkdtempSync(path.join(os.tmpdir(), `${SPOOL_PREFIX}${process.pid}@${hostToken()}-`));
  const file = path.join(dir, 'reply.json');
  let fd: number | undefined = openSync(file, 'w', 0o600);
  let bytes = 0;
  const remove = (): void => {
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
    rmSync(dir, { recursive: true, force: true });
  };
  return {
    write(chunk) {
      for (let at = 0; at < chunk.byteLength; ) at += writeSync(fd!, chunk, at);
      bytes += chunk.byteLength;
    },
    finish() {
      closeSync(fd!);
      fd = undefined;
      return { file, bytes, sibling: (name) => path.join(dir, name), remove };
    },
    discard: remove,
  };
}

/** Reads `file` from byte `from` in chunks of `size`, until `each` returns false or the file ends. */
export function readChunks(file: string, from: number, each: (chunk: Buffer) => boolean, size = 1024 * 1024): void {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(size);
    for (let position = from; ; ) {
      const read = readSync(fd, buffer, 0, size, position);
      if (read === 0) return;
      position += read;
      if (!each(buffer.subarray(0, read))) return;
    }
  } finally {
    closeSync(fd);
  }
}

/** Appends to a file through a buffer, so many small writes cost few system calls. */
export class BufferedFile {
  private readonly fd: number;
  private readonly buffer = Buffer.allocUnsafe(1024 * 1024);
  private used = 0;

  constructor(file: string) {
    this.fd = openSync(file, 'w', 0o600);
  }

  write(bytes: Buffer, start = 0, end = bytes.length): void {
    const length = end - start;
    if (this.used + length > this.buffer.length) this.flush();
    if (length > this.buffer.length) {
      for (let at = start; at < end; ) at += writeSync(this.fd, bytes, at, end - at);
      return;
    }
    // copy, not set(subarray): a landing calls this several times per element, and a view each time cost more than the copy.
    this.used += bytes.copy(this.buffer, this.used, start, end);
  }

  /** Text of one-byte characters only (ASCII, such as a hex digest), written without an intermediate Buffer. */
  writeLatin1(text: string): void {
    if (this.used + text.length > this.buffer.length) this.flush();
    if (text.length > this.buffer.length) this.write(Buffer.from(text, 'latin1'));
    else this.used += this.buffer.write(text, this.used, 'latin1');
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private flush(): void {
    for (let at = 0; at < this.used; ) at += writeSync(this.fd, this.buffer, at, this.used - at);
    this.used = 0;
  }
}

/** The first `bytes` bytes of `file`, as text (a partial character at the cut is dropped). */
export function readHead(file: string, bytes: number): string {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const read = readSync(fd, buffer, 0, bytes, 0);
    return new TextDecoder().decode(buffer.subarray(0, read), { stream: true });
  } finally {
    closeSync(fd);
  }
}

let sweptInThisProcess = false;

/** sweepDeadSpools, once per process (the first ingest of a watch, say): folders of the dead do not come back. */
export function sweepDeadSpoolsOnce(): string[] {
  if (sweptInThisProcess) return [];
  sweptInThisProcess = true;
  return sweepDeadSpools();
}

/**
 * Removes the spool folders in `tmp` left by processes of this host that no longer run (killed
 * while landing a large reply). Returns the folders removed.
 */
export function sweepDeadSpools(tmp = os.tmpdir()): string[] {
  const host = hostToken();
  const uid = process.getuid?.();
  let names: string[];
  try {
    names = readdirSync(tmp);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = SPOOL_NAME.exec(name);
    if (match === null || match[2] !== host) continue;
    const pid = Number(match[1]);
    if (pid === process.pid || isRunning(pid)) continue;
    const dir = path.join(tmp, name);
    try {
      const stat = lstatSync(dir);
      if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid)) continue;
      rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // Gone meanwhile, or not ours to remove: either way nothing to do.
    }
  }
  return removed;
}

/** Whether a process with this pid exists (a pid taken again by another process counts: its folder stays, which is safe). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
