/**
 * A reply too large to hold in memory, written to a file as it arrives (in a folder of its own
 * under the system's temporary folder, TMPDIR), read back in chunks, and removed once landed or
 * rejected. The files are tsdbt's own: nothing else is ever written or removed here.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
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

export function createSpool(): SpoolWriter {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-reply-'));
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

  write(bytes: Uint8Array, start = 0, end = bytes.byteLength): void {
    const length = end - start;
    if (this.used + length > this.buffer.length) this.flush();
    if (length > this.buffer.length) {
      for (let at = start; at < end; ) at += writeSync(this.fd, bytes, at, end - at);
      return;
    }
    this.buffer.set(bytes.subarray(start, end), this.used);
    this.used += length;
  }

  writeText(text: string): void {
    this.write(Buffer.from(text));
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
