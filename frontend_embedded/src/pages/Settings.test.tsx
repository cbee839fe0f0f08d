import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { useAppBridgeShim } from "../test/appBridge";
import { renderWithShop } from "../test/render";
import { json, serve } from "../test/serve";
import SettingsPage from "./Settings";

const toastShow = useAppBridgeShim();

describe("Settings page", () => {
  const settings = {
    sync_interval_minutes: 15, margin: 1, monthly_discount_rate: 0.01,
    defaults: { sync_interval_minutes: 15, margin: 1, monthly_discount_rate: 0.01 },
    limits: { sync_interval_minutes: [15, 60], margin: [0.01, 1], monthly_discount_rate: [0, 0.2] },
  };
  const empty = (key: string) => () => json(200, { [key]: [], page: 1, per_page: 10, total: 0, retention_days: 365 });

  it("shows the server's refusal and keeps the form", async () => {
    const calls = serve({
      "GET /settings": () => json(200, { settings }),
      "PATCH /settings": () => json(400, { error: "bad_request", message: "margin must be a number from 0.01 to 1.0, got 0.001." }),
      "GET /privacy/requests": empty("requests"),
      "GET /privacy/access-log": empty("entries"),
    });
    renderWithShop(<SettingsPage />);
    fireEvent.change(await screen.findByLabelText("Gross margin"), { target: { value: "1" } });
    fireEvent.click(screen.getByRole("button", { name: "Save and recompute" }));
    await waitFor(() => expect(toastShow).toHaveBeenCalledWith("margin must be a number from 0.01 to 1.0, got 0.001.", { isError: true }));
    expect(calls).toContain("PATCH /api/v1/settings");
    expect((screen.getByLabelText("Gross margin") as HTMLInputElement).value).toBe("1");
    expect(screen.getByText("No data requests yet.", { exact: false })).toBeTruthy();
    expect(screen.getByText("Nobody has viewed customer data yet.", { exact: false })).toBeTruthy();
  });
});
