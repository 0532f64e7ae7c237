// The `--queue` URL of a Redis farm: redis://[USER:PASSWORD@]HOST[:PORT][/DB]
// or rediss:// (TLS), checked once at the edge, and shown without its
// password wherever it is printed or written into a report.

export interface RedisUrl {
  /** As given: what the Redis client connects to. */
  readonly href: string;
  /** The same with the password masked, for messages and reports. */
  readonly display: string;
}

/** Parses a --queue value; returns it, or a description of what is wrong. */
export function parseRedisUrl(text: string): RedisUrl | { readonly error: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { error: 'it is not a URL (expected redis://HOST:PORT)' };
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') return { error: `the scheme is ${url.protocol.slice(0, -1)}, expected redis or rediss` };
  if (url.hostname === '') return { error: 'it names no host (expected redis://HOST:PORT)' };
  const db = url.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d{1,2}$/.test(db)) return { error: `the path /${db} is not a database number (expected /0 to /99 or nothing)` };
  if (url.search !== '' || url.hash !== '') return { error: 'it has a query or a fragment, which a Redis URL does not take' };
  const shown = new URL(url.href);
  if (shown.password !== '') shown.password = '***';
  return { href: url.href, display: shown.href };
}
