/** The files that differ between two sets of outputs (name → text), each with the first place they differ: a short list instead of two large files side by side. */
export function differences(left: Map<string, string>, right: Map<string, string>): string[] {
  const names = new Set([...left.keys(), ...right.keys()]);
  return [...names]
    .filter((name) => left.get(name) !== right.get(name))
    .map((name) => {
      const [a = '', b = ''] = [left.get(name), right.get(name)];
      let at = 0;
      while (at < a.length && a[at] === b[at]) at += 1;
      return `${name} at ${at}: ${JSON.stringify(a.slice(at - 40, at + 60))} / ${JSON.stringify(b.slice(at - 40, at + 60))}`;
    });
}
