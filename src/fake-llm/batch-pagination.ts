/**
 * List pages of both batch APIs, newest first as the providers list them. Pure: the handlers pass
 * the ids newest first and render the page. An id that names no object is an error (a cursor
 * typo must not look like "no more batches").
 */

export type PageResult = { ok: true; ids: string[]; hasMore: boolean } | { ok: false; message: string };

/** OpenAI's cursor page: `after` = the last id of the previous page. */
export function pageAfter(newestFirst: readonly string[], after: string | undefined, limit: number): PageResult {
  let start = 0;
  if (after !== undefined) {
    const at = newestFirst.indexOf(after);
    if (at < 0) return { ok: false, message: `no object with id ${after} to list after` };
    start = at + 1;
  }
  const ids = newestFirst.slice(start, start + limit);
  return { ok: true, ids, hasMore: start + limit < newestFirst.length };
}

/**
 * Anthropic's page: `after_id` pages on towards older objects, `before_id` back towards newer ones
 * (the `limit` objects just before it); has_more says whether more lie in the direction paged.
 */
export function pageAround(
  newestFirst: readonly string[],
  cursor: { afterId?: string | undefined; beforeId?: string | undefined },
  limit: number,
): PageResult {
  if (cursor.afterId !== undefined && cursor.beforeId !== undefined) return { ok: false, message: "give after_id or before_id, not both" };
  if (cursor.beforeId !== undefined) {
    const at = newestFirst.indexOf(cursor.beforeId);
    if (at < 0) return { ok: false, message: `no object with id ${cursor.beforeId} to list before` };
    const start = Math.max(0, at - limit);
    return { ok: true, ids: newestFirst.slice(start, at), hasMore: start > 0 };
  }
  return pageAfter(newestFirst, cursor.afterId, limit);
}

/** A `limit` query parameter: default when absent, an error when not a whole number in range. */
export function parseLimit(raw: string | null, defaultLimit: number, maxLimit: number): number | string {
  if (raw === null) return defaultLimit;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) return `limit must be a whole number from 1 to ${maxLimit}`;
  return limit;
}
