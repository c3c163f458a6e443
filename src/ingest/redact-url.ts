/**
 * URLs in ingest configs may carry secrets (`https://user:pass@host/…`, `?api_key=…`).
 * Everything that leaves the process — logs, errors, the `_source_url` column, metrics —
 * goes through `redactUrl` first.
 */

/** Query parameters whose values are treated as secrets. Compared case-insensitively. */
const SECRET_PARAMS = /^(api[-_]?key|key|token|access[-_]?token|auth|password|passwd|secret|client[-_]?secret|signature|sig)$/i;
const MASK = '***';

/**
 * The URL with credentials and query values replaced by `***` (names kept). Every value is masked by
 * default: a secret's parameter name (`appid`, `private_token`, `access_key`…) cannot be guessed.
 * `query: false` (a source's `redact_query: false`) masks only the names that look secret.
 */
export function redactUrl(url: string, options: { query?: boolean } = {}): string {
  const all = options.query ?? true;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not a URL we can parse: still cut anything shaped like `user:pass@`.
    return url.replace(/\/\/[^/@\s]*@/g, `//${MASK}@`);
  }
  if (parsed.username !== '' || parsed.password !== '') {
    parsed.username = MASK;
    parsed.password = '';
  }
  for (const name of [...parsed.searchParams.keys()]) {
    if (all || SECRET_PARAMS.test(name)) parsed.searchParams.set(name, MASK);
  }
  // URLSearchParams percent-encodes the mask; show it plainly.
  return parsed.toString().replaceAll('%2A%2A%2A', MASK);
}

/** Replaces every occurrence of `url` inside `text` (an error message) by its redacted form. */
export function redactUrlIn(text: string, url: string, options: { query?: boolean } = {}): string {
  const safe = redactUrl(url, options);
  return text
    .split(url)
    .join(safe)
    .replace(/\/\/[^/@\s]*:[^/@\s]*@/g, `//${MASK}@`);
}
