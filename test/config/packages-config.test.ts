/** packages.yml parsing, version ranges, dbt's lock hash, and the tar reader's refusals. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { highestSatisfying, parseRange, parseVersion, satisfies } from '../../src/config/dbt-version.js';
import { parsePackagesFile } from '../../src/config/packages-config.js';
import { parseYaml } from '../../src/config/yaml-document.js';
import { extractTarGz } from '../../src/project/tar-reader.js';

const parse = (text: string) => parsePackagesFile(parseYaml(text, 'packages.yml'));

describe('packages.yml', () => {
  it('reads the four kinds of entry', () => {
    const parsed = parse(
      [
        'packages:',
        '  - local: ../utils',
        '  - git: https://example.com/x.git',
        '    revision: v1',
        '    subdirectory: sub',
        '  - tarball: x.tar.gz',
        '    name: x',
        '  - package: dbt-labs/dbt_utils',
        '    version: [">=1.0.0", "<2.0.0"]',
      ].join('\n'),
    );
    expect(parsed.errors).toEqual([]);
    expect(parsed.specs.map((spec) => spec.kind)).toEqual(['local', 'git', 'tarball', 'hub']);
    expect(parsed.specs[1]).toMatchObject({ git: 'https://example.com/x.git', revision: 'v1', subdirectory: 'sub', where: 'packages.yml:3' });
  });

  it('says what is wrong, where', () => {
    const parsed = parse('packages:\n  - tarball: x.tar.gz\n  - package: nope\n    version: 1.0.0\n  - private: org/x\n  - package: a/b\n    version: "~>1"\n');
    expect(parsed.errors.map((error) => [error.code, error.line, error.message])).toEqual([
      ['TSDBT1600', 2, 'packages.yml: `packages.0.name` is required.'],
      [
        'TSDBT1600',
        3,
        "packages.yml: `packages.1.package` must be '<organisation>/<package>' as on hub.getdbt.com (e.g. dbt-labs/dbt_utils), but it is 'nope'.",
      ],
      [
        'TSDBT1600',
        5,
        'packages.yml: `packages.2` is no kind of package tsdbt knows: it has none of local, git, tarball, package. (`private:` packages are a dbt Cloud feature.)',
      ],
      ['TSDBT1600', 7, 'packages.yml: `packages.3.version` is not a version or range tsdbt reads: "~>1".'],
    ]);
  });

  it('warns about keys it does not read', () => {
    expect(parse('packages:\n  - local: ../x\n    revison: 1\n').warnings).toEqual([
      'packages.yml:3: `revison` is not a setting of a local package and is ignored.',
    ]);
  });

  it("hashes the entries as dbt does: sorted JSON lines with Python's spacing", () => {
    // The value Python computes for dbt's recipe: sha1("\n".join(sorted(json.dumps(entry, sort_keys=True)))).
    const parsed = parse('packages:\n  - package: dbt-labs/dbt_utils\n    version: [">=1.0.0", "<2.0.0"]\n  - local: ../x\n');
    expect(parsed.hash).toBe('7f6a9bafca8f2950b7fbb8dfb354cca63d296150');
  });
});

describe('versions', () => {
  it('ranges and the highest version meeting every requirer', () => {
    expect(satisfies(parseVersion('1.8.0')!, parseRange(['>=1.3.0', '<2.0.0'])!)).toBe(true);
    expect(satisfies(parseVersion('1.8.0')!, parseRange('>=1.9.0')!)).toBe(false);
    const available = ['0.9.0', '1.0.0', '1.3.1', '1.4.0-b1', '2.0.0'];
    expect(highestSatisfying(available, [parseRange(['>=1.0.0', '<2.0.0'])!])).toBe('1.3.1');
    expect(highestSatisfying(available, [parseRange(['>=1.0.0', '<2.0.0'])!], true)).toBe('1.4.0-b1');
    expect(highestSatisfying(available, [parseRange('>=1.0.0')!, parseRange('<1.0.0')!])).toBeUndefined();
    expect(highestSatisfying(available, [parseRange('1.0.0')!])).toBe('1.0.0');
  });
});

describe('tar reader', () => {
  const header = (name: string, size: number, type = '0') => {
    const block = Buffer.alloc(512);
    block.write(name, 0);
    block.write('0000644\0', 100);
    block.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
    block.write(type, 156);
    block.write('ustar\0', 257);
    block.fill(' ', 148, 156);
    let sum = 0;
    for (const byte of block) sum += byte;
    block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    return block;
  };
  const archive = (name: string, body: string) => {
    const data = Buffer.from(body);
    const padded = Buffer.alloc(Math.ceil(data.length / 512) * 512);
    data.copy(padded);
    return gzipSync(Buffer.concat([header(name, data.length), padded, Buffer.alloc(1024)]));
  };

  it('writes regular files under the folder', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-tar-'));
    try {
      expect(extractTarGz(archive('pkg/dbt_project.yml', 'name: pkg\n'), dir)).toBe(1);
      expect(readFileSync(path.join(dir, 'pkg', 'dbt_project.yml'), 'utf8')).toBe('name: pkg\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a path out of the folder, and what is not a tar', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-tar-'));
    try {
      expect(() => extractTarGz(archive('../escape.txt', 'x'), dir)).toThrow('the archive names a path outside its folder: ../escape.txt');
      expect(() => extractTarGz(gzipSync(Buffer.alloc(600, 1)), dir)).toThrow('not a tar archive');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
