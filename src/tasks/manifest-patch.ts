/**
 * Replacing a few byte ranges of a large manifest.json without writing it all again
 * (compile-patch.ts): the old file is copied by the kernel to a temp file, ranges that keep
 * their length are overwritten in place, everything from the first range that changes length on
 * is written anew, and the temp file is renamed over the manifest (readers never see half a file).
 *
 * The copy is started as soon as the manifest is opened and runs on libuv's threads while the
 * changed models render; closing the replaced manifest (its last link gone, the kernel frees its
 * pages and blocks then) is left to them too, while the record is written. Neither is less work,
 * only work another core can do.
 */
import { randomUUID } from 'node:crypto';
import { close, closeSync, constants, fstatSync, ftruncateSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';

/** A byte range of the old file and what replaces it. */
export interface Piece {
  start: number;
  end: number;
  bytes: Buffer;
}

/** manifest.json, read by byte ranges. */
export class ManifestFile {
  private readonly fd: number;
  readonly size: number;

  constructor(readonly file: string) {
    this.fd = openSync(file, 'r');
    this.size = fstatSync(this.fd).size;
  }

  read(start: number, end: number): Buffer {
    const bytes = Buffer.allocUnsafe(Math.max(0, Math.min(end, this.size) - start));
    for (let done = 0; done < bytes.length; ) {
      const read = readSync(this.fd, bytes, done, bytes.length - done, start + done);
      if (read === 0) throw new Error(`${this.file} is shorter than expected`);
      done += read;
    }
    return bytes;
  }

  /** Closes the file on libuv's threads: when it was replaced, the close is what frees it. */
  close(): void {
    close(this.fd, () => {});
  }
}

/** The kernel's copy of a manifest to a temp file, started now (a clone where the file system has them: APFS, Btrfs, XFS). */
export class ManifestCopy {
  readonly temp: string;
  /** Whether the copy was made. */
  private readonly copied: Promise<boolean>;

  constructor(manifest: ManifestFile) {
    this.temp = `${manifest.file}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`;
    this.copied = copyFile(manifest.file, this.temp, constants.COPYFILE_FICLONE).then(
      () => true,
      () => false,
    );
  }

  /** The temp file, once copied; throws when the copy failed. */
  async ready(): Promise<string> {
    if (!(await this.copied)) throw new Error(`could not copy to ${this.temp}`);
    return this.temp;
  }

  /** Removes the temp file (after the copy ended, so that nothing writes it after its removal). */
  async discard(): Promise<undefined> {
    await this.copied;
    rmSync(this.temp, { force: true });
    return undefined;
  }
}

/**
 * The pieces that give this command's `generated_at` and `invocation_id` (the metadata comes first
 * in the file, before any node entry). Throws when they are not where they should be.
 */
export function metadataPieces(manifest: ManifestFile, values: { generated_at: string; invocation_id: string }, before: number): Piece[] {
  const head = manifest.read(0, Math.min(before, 64 * 1024));
  return Object.entries(values).map(([key, value]) => {
    const marker = Buffer.from(`"${key}":"`);
    const found = head.indexOf(marker);
    const end = found === -1 ? -1 : head.indexOf('"', found + marker.length);
    if (found === -1 || end === -1) throw new Error(`manifest.json: no ${key} before the first node entry`);
    return { start: found + marker.length, end, bytes: Buffer.from(value) };
  });
}

/**
 * Writes the manifest with `pieces` (sorted, not overlapping) in place of the ranges they name.
 * Returns how far each old offset moved: the shift at the first piece starting at or after it
 * (the key `Infinity` for anything after the last piece).
 */
export async function writePatched(manifest: ManifestFile, pieces: readonly Piece[], copy: ManifestCopy): Promise<Map<number, number>> {
  const shifts = new Map<number, number>();
  let shift = 0;
  for (const piece of pieces) {
    shifts.set(piece.start, shift);
    shift += piece.bytes.length - (piece.end - piece.start);
  }
  shifts.set(Number.POSITIVE_INFINITY, shift);

  const temp = await copy.ready();
  const fd = openSync(temp, 'r+');
  try {
    // Copied by path: it must be the file read by descriptor (nothing replaced it in between).
    if (fstatSync(fd).size !== manifest.size) throw new Error(`${manifest.file} changed while it was patched`);
    const moving = pieces.findIndex((piece) => piece.bytes.length !== piece.end - piece.start);
    const inPlace = moving === -1 ? pieces : pieces.slice(0, moving);
    for (const piece of inPlace) writeAll(fd, piece.bytes, piece.start);
    if (moving !== -1) {
      const from = pieces[moving]!.start;
      const tail = manifest.read(from, manifest.size);
      let at = from;
      let copied = from;
      for (const piece of pieces.slice(moving)) {
        at = writeAll(fd, tail.subarray(copied - from, piece.start - from), at);
        at = writeAll(fd, piece.bytes, at);
        copied = piece.end;
      }
      at = writeAll(fd, tail.subarray(copied - from), at);
      ftruncateSync(fd, at);
    }
  } catch (error) {
    closeSync(fd);
    await copy.discard();
    throw error;
  }
  closeSync(fd);
  renameSync(temp, manifest.file);
  return shifts;
}

/** Writes all of `bytes` at `position`; returns the position after them. */
function writeAll(fd: number, bytes: Buffer, position: number): number {
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done, position + done);
  return position + bytes.length;
}
