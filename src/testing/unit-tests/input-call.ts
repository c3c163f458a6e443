/** What a unit test's `input:` names: `ref('x')`, `ref('pkg', 'x')`, `source('s', 't')` or `this`. */
export type InputCall = { kind: 'ref'; name: string } | { kind: 'source'; source: string; table: string } | { kind: 'this' };

const QUOTED = /^\s*(['"])([^'"]*)\1\s*$/;

export function parseInputCall(text: string): InputCall | undefined {
  const trimmed = text.trim();
  if (trimmed === 'this') return { kind: 'this' };
  const call = /^(ref|source)\s*\((.*)\)$/s.exec(trimmed);
  if (call === null) return undefined;
  const args = splitArgs(call[2]!);
  if (args === undefined) return undefined;
  if (call[1] === 'ref') {
    // ref('name'), ref('package', 'name'), and a version keyword (v=1), which tsdbt ignores
    const positional = args.filter((arg) => !/^\s*(v|version)\s*=/.test(arg));
    const name = positional.length === 0 || positional.length > 2 ? undefined : QUOTED.exec(positional[positional.length - 1]!)?.[2];
    return name === undefined ? undefined : { kind: 'ref', name };
  }
  if (args.length !== 2) return undefined;
  const [source, table] = args.map((arg) => QUOTED.exec(arg)?.[2]);
  return source === undefined || table === undefined ? undefined : { kind: 'source', source, table };
}

function splitArgs(text: string): string[] | undefined {
  const args = text.split(',').map((arg) => arg.trim());
  return args.some((arg) => arg === '') ? undefined : args;
}
