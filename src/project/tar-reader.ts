import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

/**
 * A small reader of the tar.gz files packages come in (the hub's GitHub archives, `tarball:`
 * entries): regular files and folders, with POSIX (pax) and GNU long names. Links and devices are
 * skipped: a package needs neither, and a link could point outside the folder written to.
 */
export function extractTarGz(data: Buffer, into: string): number {
  const tar = data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b ? gunzipSync(data) : data;
  let offset = 0;
  let longName: string | undefined;
  let written = 0;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    if (!checksumOk(header)) throw new Error(`not a tar archive (bad header at byte ${offset})`);
    const size = octal(header.subarray(124, 136));
    const type = String.fromCharCode(header[156]!);
    const body = tar.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === 'x') {
      longName = paxPath(body) ?? longName;
      continue;
    }
    if (type === 'L') {
      longName = cString(body);
      continue;
    }
    if (type === 'g') continue;
    const prefix = cString(header.subarray(345, 500));
    const name = longName ?? (prefix === '' ? cString(header.subarray(0, 100)) : `${prefix}/${cString(header.subarray(0, 100))}`);
    longName = undefined;
    if (type !== '0' && type !== '\0' && type !== '5' && type !== '7') continue;
    const target = safeJoin(into, name);
    if (target === undefined) throw new Error(`the archive names a path outside its folder: ${name}`);
    if (type === '5') {
      mkdirSync(target, { recursive: true });
      continue;
    }
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, body);
    written += 1;
  }
  return written;
}

function checksumOk(header: Buffer): boolean {
  let sum = 0;
  for (let index = 0; index < 512; index += 1) sum += index >= 148 && index < 156 ? 32 : header[index]!;
  return sum === octal(header.subarray(148, 156));
}

function octal(field: Buffer): number {
  // GNU base-256 sizes (high bit set) for files over 8 GiB: not a package's files.
  const text = cString(field).trim();
  return text === '' ? 0 : Number.parseInt(text, 8);
}

function cString(field: Buffer): string {
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? field.length : end).toString('utf8');
}

function paxPath(body: Buffer): string | undefined {
  let found: string | undefined;
  for (const record of body.toString('utf8').split('\n')) {
    const match = /^\d+ path=(.*)$/.exec(record);
    if (match) found = match[1];
  }
  return found;
}

/** `name` under `root`, or undefined when it would escape it (`../x`, `/etc/x`). */
function safeJoin(root: string, name: string): string | undefined {
  const clean = name.replace(/^\.\/+/, '');
  if (clean === '' || path.isAbsolute(clean) || clean.split('/').includes('..')) return clean === '' ? root : undefined;
  return path.join(root, clean);
}
