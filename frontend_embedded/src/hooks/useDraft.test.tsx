import { AppProvider } from "@shopify/polaris";
import en from "@shopify/polaris/locales/en.json";
import { act, render, renderHook } from "@testing-library/react";
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { ShopSettings } from "../api/settings";
import { EconomicsCard } from "../components/Settings/EconomicsCard";
import { SyncScheduleCard } from "../components/Settings/SyncScheduleCard";
import { useDraft } from "./useDraft";

const settings: ShopSettings = {
  sync_interval_minutes: 60, margin: 0.4, monthly_discount_rate: 0.01,
  defaults: { sync_interval_minutes: 15, margin: 1, monthly_discount_rate: 0.01 },
  limits: { sync_interval_minutes: [15, 60], margin: [0.01, 1], monthly_discount_rate: [0, 0.2] },
};
const twice = (n: number) => n * 2;

describe("useDraft", () => {
  it("starts from the source in the very first render, before any effect", () => {
    // Server rendering runs no effects: a draft filled by an effect would still be empty here.
    const save = async () => true;
    const html = renderToString(
      <AppProvider i18n={en}>
        <EconomicsCard settings={settings} onSave={save} />
        <SyncScheduleCard settings={settings} onSave={save} />
      </AppProvider>,
    );
    expect(html).toContain('value="40"');
    expect(html).toContain('value="1"');
    expect(html).toContain('<option value="60" selected=""');
    // Nothing is changed yet, so neither card offers to save.
    expect(html.match(/aria-disabled="true"/g)).toHaveLength(2);
  });

  it("keeps an edit while the source stays, and resets to a new source", () => {
    let source: number | null = null;
    const { result, rerender } = renderHook(() => useDraft(source, twice, -1));
    expect(result.current[0]).toBe(-1);
    source = 2;
    rerender();
    expect(result.current[0]).toBe(4);
    act(() => result.current[1](7));
    rerender();
    expect(result.current[0]).toBe(7);
    source = 5;
    rerender();
    expect(result.current[0]).toBe(10);
    source = null;
    rerender();
    expect(result.current[0]).toBe(10);
  });

  it("never commits a loaded source beside the empty draft", () => {
    const committed: Array<[number | null, number]> = [];
    function Probe({ source }: { source: number | null }) {
      const [draft] = useDraft(source, twice, -1);
      // A new callback ref each render is called at every commit with the element.
      return <span ref={(el) => void (el && committed.push([source, draft]))}>{draft}</span>;
    }
    const { rerender } = render(<Probe source={null} />);
    rerender(<Probe source={3} />);
    expect(committed).toEqual([[null, -1], [3, 6]]);
  });
});
