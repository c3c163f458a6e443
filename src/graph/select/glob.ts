/**
 * Shell-style wildcards: `*`, `?` and `[abc]` / `[!abc]`.
 *
 * Names, tags and fqn tails match like Python's fnmatch (what dbt uses): `*` runs over
 * anything. Paths match like a path glob: `*` stays inside one folder and `**` crosses folders,
 * so `path:models/*.sql` does not reach into `models/staging/`.
 */

const cache = new Map<string, RegExp>();

export function hasWildcard(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

/** fnmatch: the whole of `text` matches `pattern`; case-sensitive. */
export function wildcardMatch(text: string, pattern: string): boolean {
  return compile(pattern, false).test(text);
}

/** Path glob over forward-slash paths. */
export function pathGlobMatch(path: string, pattern: string): boolean {
  return compile(pattern, true).test(path);
}

function compile(pattern: string, pathAware: boolean): RegExp {
  const key = `${pathAware ? 'p' : 'n'}:${pattern}`;
  let regexp = cache.get(key);
  if (regexp === undefined) {
    regexp = new RegExp(`^${translate(pattern, pathAware)}$`, 's');
    cache.set(key, regexp);
  }
  return regexp;
}

function translate(pattern: string, pathAware: boolean): string {
  let out = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern[i]!;
    if (char === '*') {
      if (pathAware && pattern[i + 1] === '*') {
        // `**/` may also match no folder at all: `models/**/x.sql` matches `models/x.sql`.
        const slash = pattern[i + 2] === '/';
        out += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else {
        out += pathAware ? '[^/]*' : '.*';
      }
    } else if (char === '?') {
      out += pathAware ? '[^/]' : '.';
    } else if (char === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close < 0) {
        out += '\\[';
      } else {
        const body = pattern.slice(i + 1, close);
        const negated = body.startsWith('!');
        const members = (negated ? body.slice(1) : body).replace(/[\\\]^]/g, '\\$&');
        out += `[${negated ? '^' : ''}${members}]`;
        i = close;
      }
    } else {
      out += char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
  }
  return out;
}
