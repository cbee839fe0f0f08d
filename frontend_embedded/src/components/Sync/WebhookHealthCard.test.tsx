import { screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { WebhookHealth } from "../../api/settings";
import { ApiError } from "../../hooks/useApi";
import { renderWithShop } from "../../test/render";
import { verdict, WebhookHealthCard } from "./WebhookHealthCard";

const TOTALS = { received: 0, processed: 5, ignored: 1, failed: 0, malformed: 0, total: 6 };
const HEALTH: WebhookHealth = {
  window_hours: 24,
  since: "2026-02-28T12:00:00Z",
  last_received_at: "2026-03-01T11:00:00Z",
  totals: TOTALS,
  topics: [{ topic: "orders/create", ...TOTALS, last_received_at: "2026-03-01T11:00:00Z" }],
  oldest_pending: null,
  malformed: 0,
  failures: [],
};

const state = (data: WebhookHealth | null, error: ApiError | null = null) => ({ data, error, loading: !data && !error, reload: vi.fn() });

describe("webhook health", () => {
  it("summarises in one badge", () => {
    expect(verdict(HEALTH).label).toBe("Healthy");
    expect(verdict({ ...HEALTH, totals: { ...TOTALS, total: 0, processed: 0, ignored: 0 }, topics: [] }).label).toBe("Quiet");
    expect(verdict({ ...HEALTH, oldest_pending: { topic: "orders/create", received_at: "", age_seconds: 900 } }).label).toBe("Behind");
    expect(verdict({ ...HEALTH, totals: { ...TOTALS, failed: 1 } }).label).toBe("Failures");
  });

  it("lists topics in the shop's time zone and shows failures and a stuck backlog", () => {
    renderWithShop(
      <WebhookHealthCard
        state={state({
          ...HEALTH,
          totals: { ...TOTALS, failed: 1 },
          oldest_pending: { topic: "customers/update", received_at: "2026-03-01T10:00:00Z", age_seconds: 3600 },
          failures: [{ topic: "orders/create", status: "failed", received_at: "2026-03-01T11:00:00Z", error: "KeyError: 'id'" }],
        })}
      />,
    );
    expect(screen.getAllByText("orders/create").length).toBeGreaterThanOrEqual(2); // table row and failure
    // Europe/Berlin (the test shop's zone) is UTC+1 in March.
    expect(screen.getAllByText("Mar 1, 2026, 12:00 PM").length).toBeGreaterThan(0);
    expect(screen.getByText("Deliveries are waiting to be processed")).toBeTruthy();
    expect(screen.getByText(/waited 1 h/)).toBeTruthy();
    expect(screen.getByText(/KeyError: 'id'/)).toBeTruthy();
  });

  it("shows an error banner with Retry", () => {
    const s = state(null, new ApiError(503, "unavailable", "The database is restarting."));
    renderWithShop(<WebhookHealthCard state={s} />);
    screen.getByRole("button", { name: "Retry" }).click();
    expect(s.reload).toHaveBeenCalledOnce();
    expect(screen.getByText("The database is restarting.")).toBeTruthy();
  });
});
