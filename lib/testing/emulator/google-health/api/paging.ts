/** AIP-158 paging shared by the list methods: a page size (0 or absent: the default; over the maximum: the maximum) and opaque tokens. */

export type PageSize = { ok: true; value: number } | { ok: false; message: string };

/** The page size to use for a `pageSize` value that already passed the contract's int32 check. */
export function pageSizeOf(raw: string | number | undefined, defaultSize: number, maxSize: number): PageSize {
  const requested = raw === undefined ? 0 : Number(raw);
  if (!Number.isInteger(requested) || requested < 0) return { ok: false, message: `Invalid pageSize: ${String(raw)}; it must not be negative.` };
  return { ok: true, value: requested === 0 ? defaultSize : Math.min(requested, maxSize) };
}

interface PageState {
  scope: string;
  offset: number;
}

/** An opaque token for the page at `offset` of the request `scope` names (same user, type, filter…). */
export const pageTokenFor = (scope: string, offset: number): string => Buffer.from(JSON.stringify({ scope, offset } satisfies PageState)).toString('base64url');

/** 0 without a token; null for a token that does not belong to `scope`. */
export function pageOffsetOf(token: string | undefined, scope: string): number | null {
  if (token === undefined || token === '') return 0;
  try {
    const state = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<PageState>;
    return state.scope === scope && Number.isInteger(state.offset) && state.offset! >= 0 ? state.offset! : null;
  } catch {
    return null;
  }
}
