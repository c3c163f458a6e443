/**
 * "Did you mean …?" for misspelt method names, state values, YAML keys and selector names.
 *
 * Edit distance catches typos (`tga` → `tag`, `modifed` → `modified`); a shared start of at
 * least two letters catches words that were half-remembered (`colour` → `config`,
 * `resource` → `resource_type`), which edit distance alone rejects as too far apart.
 */

/** The closest candidate to `word`, or undefined when none is close enough to be a good guess. */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const exactButCase = candidates.find((candidate) => candidate.toLowerCase() === lower);
  if (exactButCase !== undefined) return exactButCase;

  const byDistance = candidates
    .map((candidate) => ({ candidate, distance: editDistance(lower, candidate.toLowerCase()) }))
    .sort((a, b) => a.distance - b.distance);
  const best = byDistance[0];
  if (best !== undefined && best.distance <= Math.max(2, Math.floor(word.length / 3))) return best.candidate;

  const byPrefix = candidates
    .map((candidate) => ({ candidate, shared: sharedPrefixLength(lower, candidate.toLowerCase()) }))
    .filter((entry) => entry.shared >= 2)
    .sort((a, b) => b.shared - a.shared);
  const [first, second] = byPrefix;
  // Two candidates sharing the same start is a coin toss; better no guess than a wrong one.
  if (first !== undefined && (second === undefined || second.shared < first.shared)) return first.candidate;
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
