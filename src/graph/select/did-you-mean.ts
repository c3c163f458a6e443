/**
 * "Did you mean …?" for misspelt method names, state values, YAML keys and selector names.
 *
 * A word cut short finds its whole (`resource` → `resource_type`); edit distance catches typos
 * (`tga` → `tag`, `modifed` → `modified`); a shared start of at least two letters catches words
 * that were half-remembered (`colour` → `config`), which edit distance alone rejects as too far apart.
 */

/** The closest candidate to `word`, or undefined when none is close enough to be a good guess. */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const exactButCase = candidates.find((candidate) => candidate.toLowerCase() === lower);
  if (exactButCase !== undefined) return exactButCase;

  // A word that is the start of exactly one candidate was most likely cut short (`resource`).
  const extensions = lower.length >= 3 ? candidates.filter((candidate) => candidate.toLowerCase().startsWith(lower)) : [];
  if (extensions.length === 1) return extensions[0];

  const ranked = candidates
    .map((candidate) => ({
      candidate,
      distance: editDistance(lower, candidate.toLowerCase()),
      shared: sharedPrefixLength(lower, candidate.toLowerCase()),
    }))
    .sort((a, b) => a.distance - b.distance);
  const best = ranked[0];
  if (best !== undefined && best.distance <= Math.max(2, Math.floor(word.length / 3))) return best.candidate;

  // Among those sharing the longest start, the nearest wins (`childs` → `children`, not `childrens_parents`).
  const byPrefix = ranked.filter((entry) => entry.shared >= 2).sort((a, b) => b.shared - a.shared || a.distance - b.distance);
  const [first, second] = byPrefix;
  // A tie on both counts is a coin toss; better no guess than a wrong one.
  if (first !== undefined && (second === undefined || second.shared < first.shared || second.distance > first.distance)) return first.candidate;
  return undefined;
}

/** ` Did you mean 'x'?` (with the leading space), or an empty string. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const guess = closestMatch(word, candidates);
  return guess === undefined ? '' : ` Did you mean '${guess}'?`;
}

function sharedPrefixLength(a: string, b: string): number {
  let length = 0;
  while (length < a.length && length < b.length && a[length] === b[length]) length += 1;
  return length;
}

/** Levenshtein distance, one row at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
