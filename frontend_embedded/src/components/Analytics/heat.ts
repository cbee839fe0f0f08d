/**
 * Heat-map cell colours. The tint stays light enough (alpha at most 0.5 of Polaris blue on white)
 * that the page's dark text on it keeps WCAG AA contrast (5.7:1 at the darkest, 4.5:1 needed) in every cell.
 */
const MAX_ALPHA = 0.5;
const MIN_ALPHA = 0.05;

/** Return a background colour for `value` out of `max` (null or 0 stays blank). */
export function heatColor(value: number | null, max: number): string | undefined {
  if (value === null || !(max > 0) || value <= 0) return undefined;
  const alpha = MIN_ALPHA + (MAX_ALPHA - MIN_ALPHA) * Math.min(1, value / max);
  return `rgba(0, 91, 211, ${alpha.toFixed(3)})`;
}
