/** The three ways selections combine: space (union), comma (intersection), --exclude (difference). */

export function unionOf(sets: readonly ReadonlySet<string>[]): Set<string> {
  const out = new Set<string>();
  for (const set of sets) for (const id of set) out.add(id);
  return out;
}

export function intersectionOf(sets: readonly ReadonlySet<string>[]): Set<string> {
  const [first, ...rest] = sets;
  if (first === undefined) return new Set();
  return new Set([...first].filter((id) => rest.every((set) => set.has(id))));
}

export function differenceOf(from: ReadonlySet<string>, minus: ReadonlySet<string>): Set<string> {
  return new Set([...from].filter((id) => !minus.has(id)));
}
