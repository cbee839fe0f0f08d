/** Live preview of a segment being edited: count and sample, fetched after edits settle. */
import { useEffect, useState } from "react";
import type { Preview, RuleGroup } from "../../crmTypes";
import { ApiError, apiFetch } from "../../hooks/useApi";
import { useDebounced } from "../../hooks/useDebounced";

/** Wait this long (ms) after the last edit before asking for a preview. */
export const PREVIEW_DEBOUNCE_MS = 400;

export type PreviewInput = { rules: RuleGroup } | { query: string } | null;

export interface PreviewState {
  preview: Preview | null;
  loading: boolean;
  error: ApiError | null;
}

/** Preview `input` (null = nothing to preview yet); keep the last answer while the next loads. */
export function useSegmentPreview(input: PreviewInput): PreviewState & { retry: () => void } {
  const key = useDebounced(input === null ? null : JSON.stringify(input), PREVIEW_DEBOUNCE_MS);
  const [attempt, setAttempt] = useState(0);
  const [state, setState] = useState<PreviewState>({ preview: null, loading: false, error: null });

  useEffect(() => {
    if (key === null) {
      setState((s) => ({ ...s, loading: false, error: null }));
      return;
    }
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true, error: null }));
    apiFetch<Preview>("/segments/preview", { method: "POST", body: JSON.parse(key), signal: controller.signal })
      .then((preview) => setState({ preview, loading: false, error: null }))
      .catch((err: unknown) => {
        if (controller.signal.aborted) return;
        setState((s) => ({ ...s, loading: false, error: err instanceof ApiError ? err : new ApiError(0, "unexpected", String(err)) }));
      });
    return () => controller.abort();
  }, [key, attempt]);

  return { ...state, retry: () => setAttempt((n) => n + 1) };
}
