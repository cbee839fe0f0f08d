import { fireEvent, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { useAppBridgeShim } from "../../test/appBridge";
import { renderWithShop } from "../../test/render";
import { json, serve } from "../../test/serve";
import { AccessLogCard, PrivacyRequestsCard } from "./PrivacyCards";

useAppBridgeShim();

describe("Data & privacy cards", () => {
  it("lists requests with their state, pages them and offers the export only where there is one", async () => {
    const calls = serve({
      "GET /privacy/requests": () =>
        json(200, {
          requests: [
            { id: 7, topic: "customers/data_request", customer_id: "42", status: "completed", error: null,
              received_at: "2026-11-20T10:00:00Z", completed_at: "2026-11-20T10:00:05Z", exportable: true },
            { id: 8, topic: "customers/redact", customer_id: "43", status: "received", error: "boom",
              received_at: "2026-11-21T10:00:00Z", completed_at: null, exportable: false },
          ],
          page: 1, per_page: 10, total: 25,
        }),
    });
    renderWithShop(<PrivacyRequestsCard />);
    expect(await screen.findByText("Customer data request")).toBeTruthy();
    expect(screen.getByText("Completed")).toBeTruthy();
    expect(screen.getByText("Failed")).toBeTruthy();
    expect(screen.getAllByRole("button", { name: /Download export/ })).toHaveLength(1);
    fireEvent.click(screen.getByRole("button", { name: /next/i }));
    await screen.findByText("Customer data request");
    expect(calls.some((c) => c.includes("page=2"))).toBe(true);
  });

  it("shows the access log's retention and rows, and an error with Retry", async () => {
    let fail = true;
    serve({
      "GET /privacy/access-log": () =>
        fail
          ? json(503, { error: "unavailable", message: "Try again soon." })
          : json(200, {
              entries: [{ id: 1, staff_user_id: "99", route: "/api/v1/customers", customer_count: 50,
                          accessed_at: "2026-11-22T09:00:00Z" }],
              page: 1, per_page: 10, total: 1, retention_days: 365,
            }),
    });
    renderWithShop(<AccessLogCard />);
    expect(await screen.findByText("Try again soon.")).toBeTruthy();
    fail = false;
    fireEvent.click(screen.getByRole("button", { name: "Retry" }));
    expect(await screen.findByText("Staff 99")).toBeTruthy();
    expect(screen.getByText("customers")).toBeTruthy();
    expect(screen.getByText(/kept for 365 days/)).toBeTruthy();
  });
});
