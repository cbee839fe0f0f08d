import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { renderWithShop } from "../../test/render";
import type { SyncRun } from "../../types";
import { applyProgress } from "../../hooks/useSyncFeed";
import { SyncProgress } from "./SyncProgress";

const RUN: SyncRun = {
  id: 7,
  kind: "full",
  status: "running",
  step: "orders",
  processed: 1234,
  total: 5000,
  percent: 24.68,
  eta_seconds: 95,
  created_at: "2024-03-01T10:00:00Z",
  started_at: "2024-03-01T10:00:01Z",
  finished_at: null,
  error: null,
};

describe("SyncProgress", () => {
  it("shows step, counts, percent and time left", () => {
    renderWithShop(<SyncProgress run={RUN} />);
    expect(screen.getByText("Full sync: Orders")).toBeTruthy();
    expect(screen.getByText("1,234 of 5,000")).toBeTruthy();
    expect(screen.getByTestId("sync-percent").textContent).toBe("25%");
    expect(screen.getByText("About 2 min left")).toBeTruthy();
    const bar = screen.getByRole("progressbar");
    expect((bar as HTMLProgressElement).value).toBeCloseTo(24.68);
    expect(bar.getAttribute("aria-labelledby")).toBeTruthy();
  });

  it("derives percent from counts and says when it is waiting", () => {
    renderWithShop(<SyncProgress run={{ ...RUN, status: "queued", percent: null, processed: 50, total: 200, eta_seconds: null }} />);
    expect(screen.getByText("Full sync: waiting to start")).toBeTruthy();
    expect(screen.getByTestId("sync-percent").textContent).toBe("25%");
    expect(screen.getByText("Estimating time left")).toBeTruthy();
  });

  it("applies progress events to the matching run", () => {
    const runs = applyProgress([{ ...RUN, status: "queued" }], {
      sync_run_id: 7,
      kind: "full",
      step: "customers",
      processed: 10,
      total: 20,
      percent: 50,
      eta_seconds: 3,
    });
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: "running", step: "customers", percent: 50 });
    const added = applyProgress([], { sync_run_id: 9, kind: "incremental", step: null, processed: 0, total: null, percent: 0, eta_seconds: null });
    expect(added[0]).toMatchObject({ id: 9, status: "running" });
  });
});
