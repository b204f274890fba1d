/**
 * `next` is followed only when it is a path on this site: `/x`, not `//host`, `/\host`,
 * `https://host` or anything with control characters or backslashes.
 */
export function safeNextPath(next: unknown): string | null {
  if (typeof next !== 'string' || next.length === 0 || next.length > 2048) return null;
  if (!next.startsWith('/') || next.startsWith('//')) return null;
  if (/[\\\u0000-\u001f\u007f]/.test(next)) return null;
  const base = 'http://same-site.invalid';
  let resolved: URL;
  try {
    resolved = new URL(next, base);
  } catch {
    return null;
  }
  if (resolved.origin !== base) return null;
  // Dot segments can collapse into a leading `//` (`/a/../..//host` → `//host`), which a browser reads as another host.
  const path = `${resolved.pathname}${resolved.search}${resolved.hash}`;
  return path.startsWith('//') ? null : path;
}
