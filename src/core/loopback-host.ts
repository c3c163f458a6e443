/**
 * The local servers (docs serve, ingest metrics) listen on 127.0.0.1 only, but a web page the user
 * visits can still reach them through DNS rebinding: its own host name, re-pointed at 127.0.0.1,
 * arrives in the Host header. So a request is answered only when Host names the loopback address.
 */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function isLoopbackHost(host: string | undefined): boolean {
  if (host === undefined) return false;
  const name = host.trim().toLowerCase().replace(/:\d+$/, '');
  return LOOPBACK_HOSTS.has(name);
}
