/**
 * A version 4 UUID from Math.random, for the fast paths that answer from a record (`tsdbt ls`,
 * `tsdbt compile` with nothing changed): their invocation id only tags their log lines (nothing
 * is written under it), so node:crypto, which costs more to load than the whole check of a small
 * project, stays unloaded. Commands that write artifacts under their id use node:crypto's.
 */
export function logInvocationId(): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(Math.random() * 16).toString(16));
  hex[12] = '4';
  hex[16] = '89ab'[Math.floor(Math.random() * 4)]!;
  const text = hex.join('');
  return `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`;
}
