/**
 * Keep everything inside a chart out of the tab order. polaris-viz makes every data point a tab
 * stop; our charts are hidden from assistive technology and their numbers are given as a table
 * instead, so their controls must not be focusable either (axe: aria-hidden-focus).
 */
import { useEffect, useRef } from "react";

const FOCUSABLE = 'a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])';

/** Return a ref; every focusable element under it (now or later) gets tabindex="-1". */
export function useOutOfTabOrder<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => {
    const root = ref.current;
    if (!root) return;
    // Only write when needed: each write is itself a mutation the observer would see again.
    const apply = () =>
      root.querySelectorAll(FOCUSABLE).forEach((el) => {
        if (el.getAttribute("tabindex") !== "-1") el.setAttribute("tabindex", "-1");
      });
    apply();
    const observer = new MutationObserver(apply);
    observer.observe(root, { subtree: true, childList: true, attributes: true, attributeFilter: ["tabindex"] });
    return () => observer.disconnect();
  }, []);
  return ref;
}
