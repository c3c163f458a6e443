/**
 * The columns of a compile record (compile-stamps.ts): every input's and output's path, size and
 * modification time, kept in `<target-path>/compile_stamps.bin` beside compile_stamps.json. A
 * re-compile with nothing changed reads them before anything else, and in JSON they were most of
 * the record (10,000 paths and 50,000 numbers at 10,000 models), whose parse cost more than
 * reading the file. Here they are bytes a check reads as they are: the paths as one UTF-8 text,
 * NUL-separated (no path holds a NUL), and the numbers as float64 (what `Stats.size` and
 * `Stats.mtimeMs` are, so they compare equal), in columns.
 *
 * The record names the columns file it goes with (`columnsId`, a hash of the file's contents,
 * written into both), so columns of another compile are never used; a missing, foreign, cut
 * short or damaged file makes the command compile.
 *
 * Layout (little-endian): the magic `tsdbtcol`; a uint32, the byte length of a JSON header
 * (`{id, inputs, outputs, compiled, extra, names}`: counts, and the byte length of each group of
 * names); the header; the names (inputs, outputs, then the compiled files that are no input,
 * each group split apart when read, so no array is copied); zero bytes up to a multiple of 8;
 * then float64 columns: inputs' sizes and times, outputs' sizes and times, the compiled files
 * (index among the inputs, or -1 - k for the k-th extra name), their sizes and times.
 *
 * Loaded on the fast paths: Node built-ins only.
 */
import { readFileSync } from 'node:fs';

export const COLUMNS_FILE = 'compile_stamps.bin';

const MAGIC = 'tsdbtcol';

/** A column of numbers: an array while a compile builds it, float64s as read back. */
export type NumberColumn = number[] | Float64Array;

/** Files with their size and modification time, by index. */
export interface Columns {
  files: string[];
  sizes: NumberColumn;
  mtimes: NumberColumn;
}

/** What the columns file holds. */
export interface RecordColumns {
  inputs: Columns;
  outputs: Columns;
  /** The compiled files (paths relative to `compiled/<project>/`, which are their inputs' paths). */
  compiled: Columns;
}

interface Header {
  id: string;
  inputs: number;
  outputs: number;
  compiled: number;
  extra: number;
  /** Byte lengths of the inputs', outputs' and extra names. */
  names: [number, number, number];
}

/**
 * The bytes of the columns file for `columns`, whose id is `idOf` of everything but the id
 * (compile-stamps.ts gives a hash): the record names the file by it.
 */
export function columnsBytes(columns: RecordColumns, idOf: (body: Uint8Array) => string): { id: string; bytes: Buffer } {
  const { inputs, outputs, compiled } = columns;
  const inputAt = new Map(inputs.files.map((file, at) => [file, at]));
  const extra: string[] = [];
  const compiledAt = compiled.files.map((file) => {
    const at = inputAt.get(file);
    if (at !== undefined) return at;
    extra.push(file);
    return -extra.length;
  });
  const groups = [inputs.files, outputs.files, extra].map((files) => Buffer.from(files.join('\0'), 'utf8'));
  const names = Buffer.concat(groups);
  const numbers = Float64Array.from([
    ...inputs.sizes,
    ...inputs.mtimes,
    ...outputs.sizes,
    ...outputs.mtimes,
    ...compiledAt,
    ...compiled.sizes,
    ...compiled.mtimes,
  ]);
  const counts = {
    inputs: inputs.files.length,
    outputs: outputs.files.length,
    compiled: compiled.files.length,
    extra: extra.length,
    names: groups.map((group) => group.length) as Header['names'],
  };
  const body = (id: string): Buffer => {
    const header = Buffer.from(JSON.stringify({ id, ...counts } satisfies Header), 'utf8');
    const start = Buffer.alloc(MAGIC.length + 4);
    start.write(MAGIC, 'latin1');
    start.writeUInt32LE(header.length, MAGIC.length);
    const used = start.length + header.length + names.length;
    return Buffer.concat([start, header, names, Buffer.alloc((8 - (used % 8)) % 8), Buffer.from(numbers.buffer)]);
  };
  const id = idOf(body(''));
  return { id, bytes: body(id) };
}

/** The columns in `file` when it is the one named `id`; undefined otherwise (absent, another compile's, damaged). */
export function readColumns(file: string, id: string): RecordColumns | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  return columnsOf(bytes, id);
}

/** The columns `bytes` hold when they are a whole columns file named `id`; undefined otherwise. */
export function columnsOf(bytes: Buffer, id: string): RecordColumns | undefined {
  try {
    if (bytes.length < MAGIC.length + 4 || bytes.toString('latin1', 0, MAGIC.length) !== MAGIC) return undefined;
    const headerEnd = MAGIC.length + 4 + bytes.readUInt32LE(MAGIC.length);
    if (headerEnd > bytes.length) return undefined;
    const header = JSON.parse(bytes.toString('utf8', MAGIC.length + 4, headerEnd)) as Partial<Header>;
    if (header.id !== id || typeof id !== 'string' || id === '') return undefined;
    const { inputs, outputs, compiled, extra } = header;
    const groupBytes = Array.isArray(header.names) && header.names.length === 3 ? header.names : [];
    if (![inputs, outputs, compiled, extra, ...groupBytes].every((count) => Number.isSafeInteger(count) && count! >= 0) || groupBytes.length !== 3) {
      return undefined;
    }
    const namesEnd = headerEnd + groupBytes[0]! + groupBytes[1]! + groupBytes[2]!;
    const numbersStart = namesEnd + ((8 - (namesEnd % 8)) % 8);
    const count = 2 * inputs! + 2 * outputs! + 3 * compiled!;
    if (bytes.length !== numbersStart + 8 * count) return undefined;
    let groupStart = headerEnd;
    const group = (expected: number, length: number): string[] | undefined => {
      const text = bytes.toString('utf8', groupStart, groupStart + length);
      groupStart += length;
      const files = expected === 0 ? [] : text.split('\0');
      return files.length === expected && (expected > 0 || length === 0) ? files : undefined;
    };
    const inputFiles = group(inputs!, groupBytes[0]!);
    const outputFiles = group(outputs!, groupBytes[1]!);
    const extraNames = group(extra!, groupBytes[2]!);
    if (inputFiles === undefined || outputFiles === undefined || extraNames === undefined) return undefined;
    // A view when the bytes sit at a multiple of 8 in their buffer (a file's own buffer does), else a copy.
    const aligned = (bytes.byteOffset + numbersStart) % 8 === 0;
    const numbers = aligned
      ? new Float64Array(bytes.buffer, bytes.byteOffset + numbersStart, count)
      : new Float64Array(bytes.buffer.slice(bytes.byteOffset + numbersStart, bytes.byteOffset + numbersStart + 8 * count));
    let at = 0;
    const take = (length: number): Float64Array => {
      at += length;
      return numbers.subarray(at - length, at);
    };
    const inputColumns: Columns = { files: inputFiles, sizes: take(inputs!), mtimes: take(inputs!) };
    const outputColumns: Columns = { files: outputFiles, sizes: take(outputs!), mtimes: take(outputs!) };
    // An indexed loop into an array of its final length: run once, cold, this is several times
    // faster than `for…of` over the float64s with `push`.
    const indexes = take(compiled!);
    const compiledFiles = new Array<string>(indexes.length);
    for (let slot = 0; slot < indexes.length; slot += 1) {
      const index = indexes[slot]!;
      const file = index >= 0 ? inputFiles[index] : extraNames[-index - 1];
      if (file === undefined || !Number.isInteger(index)) return undefined;
      compiledFiles[slot] = file;
    }
    return { inputs: inputColumns, outputs: outputColumns, compiled: { files: compiledFiles, sizes: take(compiled!), mtimes: take(compiled!) } };
  } catch {
    return undefined;
  }
}
