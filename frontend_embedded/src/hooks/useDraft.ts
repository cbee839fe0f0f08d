/** A form's draft that starts from a loaded value and resets when that value changes. */
import { useState } from "react";

/**
 * Return `[draft, setDraft]`: the draft is `toDraft(source)` from the first render that has a source,
 * and again whenever a new source arrives (after a save, say). The reset happens during render, not in
 * an effect, so no frame ever shows the empty draft beside a loaded form: an edit made the moment the
 * form appears is never overwritten afterwards.
 */
export function useDraft<S, D>(source: S | null, toDraft: (source: S) => D, empty: D): [D, (draft: D) => void] {
  const [from, setFrom] = useState<S | null>(source);
  const [draft, setDraft] = useState<D>(() => (source === null ? empty : toDraft(source)));
  if (source !== from) {
    setFrom(source);
    if (source !== null) setDraft(toDraft(source));
  }
  return [draft, setDraft];
}
