import { fireEvent, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderWithShop } from "../../test/render";
import { AppPage } from "./AppPage";
import { Navigation } from "./Navigation";

const ITEMS = [
  { path: "/", label: "Dashboard" },
  { path: "/sync", label: "Sync" },
];

afterEach(() => {
  delete document.documentElement.dataset.appBridge;
});

describe("inside Shopify Admin (real App Bridge)", () => {
  it("declares the Admin navigation with NavMenu, home first", () => {
    const { container } = renderWithShop(<Navigation items={ITEMS} pathname="/" />);
    const links = container.querySelectorAll("ui-nav-menu > a");
    expect([...links].map((a) => [a.getAttribute("href"), a.getAttribute("rel"), a.textContent])).toEqual([
      ["/", "home", "Dashboard"],
      ["/sync", null, "Sync"],
    ]);
    expect(screen.queryByRole("tablist")).toBeNull();
  });

  it("puts the title and actions in the Admin title bar", () => {
    const onAction = vi.fn();
    const { container } = renderWithShop(
      <AppPage title="Sync" primaryAction={{ content: "Sync now", onAction }}>
        <p>body</p>
      </AppPage>,
    );
    const bar = container.querySelector("ui-title-bar")!;
    expect(bar.getAttribute("title")).toBe("Sync");
    const button = bar.querySelector("button")!;
    expect(button.getAttribute("variant")).toBe("primary");
    fireEvent.click(button);
    expect(onAction).toHaveBeenCalledOnce();
    expect(screen.getByText("body")).toBeTruthy();
  });
});

describe("in the demo (App Bridge stand-in)", () => {
  it("shows a tab bar and a Polaris page header instead", () => {
    document.documentElement.dataset.appBridge = "shim";
    const { container } = renderWithShop(
      <>
        <Navigation items={ITEMS} pathname="/sync" />
        <AppPage title="Sync" primaryAction={{ content: "Sync now", onAction: () => {} }}>
          <p>body</p>
        </AppPage>
      </>,
    );
    expect(container.querySelector("ui-nav-menu")).toBeNull();
    expect(container.querySelector("ui-title-bar")).toBeNull();
    // Polaris renders a hidden copy of the tabs to measure them; jsdom has no CSS to hide it.
    const tabs = screen.getAllByRole("tab", { name: "Sync" });
    expect(tabs.some((tab) => tab.getAttribute("aria-selected") === "true")).toBe(true);
    expect(screen.getByRole("heading", { name: "Sync" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Sync now" })).toBeTruthy();
  });
});
