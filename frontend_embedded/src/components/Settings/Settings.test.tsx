import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { ShopSettings } from "../../api/settings";
import { renderWithShop } from "../../test/render";
import { EconomicsCard } from "./EconomicsCard";
import { SyncScheduleCard } from "./SyncScheduleCard";

const SETTINGS: ShopSettings = {
  sync_interval_minutes: 15,
  margin: 0.4,
  monthly_discount_rate: 0.01,
  defaults: { sync_interval_minutes: 15, margin: 1, monthly_discount_rate: 0.01 },
  limits: { sync_interval_minutes: [15, 60, 1440], margin: [0.01, 1], monthly_discount_rate: [0, 0.2] },
};

describe("economics card", () => {
  it("saves valid values as fractions", async () => {
    const onSave = vi.fn().mockResolvedValue(true);
    renderWithShop(<EconomicsCard settings={SETTINGS} onSave={onSave} />);
    const save = screen.getByRole("button", { name: "Save and recompute" });
    expect(save.hasAttribute("disabled") || save.getAttribute("aria-disabled") === "true").toBe(true);
    fireEvent.change(screen.getByLabelText("Gross margin"), { target: { value: "55" } });
    fireEvent.click(screen.getByRole("button", { name: "Save and recompute" }));
    await waitFor(() => expect(onSave).toHaveBeenCalledWith({ margin: 0.55, monthly_discount_rate: 0.01 }));
  });

  it("refuses out-of-range values with a message next to the field", async () => {
    const onSave = vi.fn().mockResolvedValue(true);
    renderWithShop(<EconomicsCard settings={SETTINGS} onSave={onSave} />);
    fireEvent.change(screen.getByLabelText("Monthly discount rate"), { target: { value: "45" } });
    fireEvent.click(screen.getByRole("button", { name: "Save and recompute" }));
    expect(await screen.findByText("The discount rate must be between 0% and 20%.")).toBeTruthy();
    expect(onSave).not.toHaveBeenCalled();
  });

  it("holds its space with a skeleton while loading", () => {
    const { container } = renderWithShop(<EconomicsCard settings={null} onSave={vi.fn()} />);
    expect(container.querySelector(".Polaris-SkeletonBodyText")).not.toBeNull();
    expect(screen.queryByRole("button")).toBeNull();
  });
});

describe("sync schedule card", () => {
  it("offers the allowed intervals and saves the chosen one", async () => {
    const onSave = vi.fn().mockResolvedValue(true);
    renderWithShop(<SyncScheduleCard settings={SETTINGS} onSave={onSave} />);
    const select = screen.getByLabelText("Check for missed changes") as HTMLSelectElement;
    expect([...select.options].map((o) => o.text)).toEqual(["Every 15 minutes", "Every hour", "Once a day"]);
    fireEvent.change(select, { target: { value: "60" } });
    fireEvent.click(screen.getByRole("button", { name: "Save schedule" }));
    await waitFor(() => expect(onSave).toHaveBeenCalledWith({ sync_interval_minutes: 60 }));
  });
});
