/** Debounce a changing value: return it only once it has stayed the same for `delayMs`. */
import { useEffect, useState } from "react";

/** Return `value` after it has not changed for `delayMs` milliseconds. */
export function useDebounced<T>(value: T, delayMs: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setDebounced(value), delayMs);
    return () => window.clearTimeout(timer);
  }, [value, delayMs]);
  return debounced;
}
