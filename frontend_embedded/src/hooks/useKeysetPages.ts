/**
 * Page through a keyset-paginated list (`limit`, `after`, `next_cursor`). Changing `basePath`
 * (new filters or sort) starts again at the first page. The last page stays visible while the
 * next one loads, so the table does not collapse to a skeleton between pages.
 */
import { useRef, useState } from "react";
import { currentCursor, firstPage, hasPrevious, nextPage, pageNumber, previousPage, type CursorStack } from "../lib/cursorStack";
import { useApi, type ApiError } from "./useApi";

export interface KeysetPages<T> {
  data: T | null;
  loading: boolean;
  error: ApiError | null;
  reload: () => void;
  page: number;
  hasNext: boolean;
  hasPrevious: boolean;
  next: () => void;
  previous: () => void;
}

/** Load pages of `basePath` (which already has its query string, or none) with `limit` rows each. */
export function useKeysetPages<T extends { next_cursor: string | null }>(basePath: string | null, limit: number): KeysetPages<T> {
  const [pager, setPager] = useState<{ key: string | null; cursors: CursorStack }>({ key: basePath, cursors: firstPage() });
  const cursors = pager.key === basePath ? pager.cursors : firstPage();
  const after = currentCursor(cursors);
  const separator = basePath?.includes("?") ? "&" : "?";
  const path =
    basePath === null ? null : `${basePath}${separator}limit=${limit}${after ? `&after=${encodeURIComponent(after)}` : ""}`;
  const api = useApi<T>(path);
  const shown = useRef<T | null>(null);
  if (api.data) shown.current = api.data;
  const data = api.data ?? (api.loading ? shown.current : null);
  return {
    data,
    loading: api.loading,
    error: api.error,
    reload: api.reload,
    page: pageNumber(cursors),
    hasNext: !api.loading && Boolean(api.data?.next_cursor),
    hasPrevious: hasPrevious(cursors),
    next: () => {
      if (api.data?.next_cursor) setPager({ key: basePath, cursors: nextPage(cursors, api.data.next_cursor) });
    },
    previous: () => setPager({ key: basePath, cursors: previousPage(cursors) }),
  };
}
