/**
 * Make Polaris tables that scroll sideways reachable by keyboard. On narrow screens a DataTable or
 * IndexTable scrolls inside its container, which has no focusable content of its own to scroll with
 * (axe: scrollable-region-focusable). Such containers become focusable, named regions while they
 * overflow, and stop being tab stops when they no longer do.
 */
export const SCROLL_CONTAINERS = ".Polaris-DataTable__ScrollContainer, .Polaris-IndexTable-ScrollContainer";

/** Mark or unmark one container according to whether it overflows now. */
export function updateScrollRegion(el: HTMLElement): void {
  const overflows = el.scrollWidth > el.clientWidth + 1;
  if (overflows && el.getAttribute("tabindex") !== "0") {
    el.setAttribute("tabindex", "0");
    el.setAttribute("role", "region");
    el.setAttribute("aria-label", "Table, scrolls sideways");
  } else if (!overflows && el.getAttribute("tabindex") === "0") {
    el.removeAttribute("tabindex");
    el.removeAttribute("role");
    el.removeAttribute("aria-label");
  }
}

/** Watch the document for table scroll containers (added, resized) and keep them reachable. */
export function watchScrollRegions(root: HTMLElement = document.body): () => void {
  const resize = new ResizeObserver((entries) => entries.forEach((e) => updateScrollRegion(e.target as HTMLElement)));
  const seen = new WeakSet<Element>();
  const scan = () =>
    root.querySelectorAll<HTMLElement>(SCROLL_CONTAINERS).forEach((el) => {
      if (seen.has(el)) return;
      seen.add(el);
      resize.observe(el);
      updateScrollRegion(el);
    });
  const mutations = new MutationObserver(scan);
  mutations.observe(root, { childList: true, subtree: true });
  scan();
  return () => {
    mutations.disconnect();
    resize.disconnect();
  };
}
