import { AppProvider, SkeletonBodyText, SkeletonPage, Layout, Card } from "@shopify/polaris";
import en from "@shopify/polaris/locales/en.json";
import { lazy, Suspense, type ComponentType } from "react";
import type { ShopEnv } from "./env";
import { Navigation, type NavItem } from "./components/Layout/Navigation";
import { AppLink, matchPath, RouteParamsContext, usePathname, type RouteParams } from "./router";
import { ShopEnvContext } from "./shopContext";
import DashboardPage from "./pages/Dashboard";
import NotFound from "./pages/NotFound";

/** The Admin's sidebar (NavMenu) and the demo's tab bar, home first. */
export const NAV_ITEMS: NavItem[] = [
  { path: "/", label: "Dashboard" },
  { path: "/customers", label: "Customers" },
  { path: "/segments", label: "Segments" },
  { path: "/analytics", label: "Analytics" },
  { path: "/sync", label: "Sync" },
  { path: "/settings", label: "Settings" },
];

export interface Route {
  /** A pattern like "/customers/:id"; more specific patterns come first. */
  path: string;
  /** The navigation item this page sits under. */
  nav: string;
  component: ComponentType;
}

/**
 * One page per route. The home page (the route the Admin opens) is in the entry bundle so it
 * paints without another round trip; every other page is its own chunk, loaded on first visit.
 */
export const ROUTES: Route[] = [
  { path: "/", nav: "/", component: DashboardPage },
  { path: "/customers", nav: "/customers", component: lazy(() => import("./pages/Customers")) },
  { path: "/customers/:id", nav: "/customers", component: lazy(() => import("./pages/Customer")) },
  { path: "/segments", nav: "/segments", component: lazy(() => import("./pages/Segments")) },
  { path: "/segments/new", nav: "/segments", component: lazy(() => import("./pages/SegmentBuilder")) },
  { path: "/segments/:id", nav: "/segments", component: lazy(() => import("./pages/SegmentBuilder")) },
  { path: "/analytics", nav: "/analytics", component: lazy(() => import("./pages/Analytics")) },
  { path: "/sync", nav: "/sync", component: lazy(() => import("./pages/Sync")) },
  { path: "/settings", nav: "/settings", component: lazy(() => import("./pages/Settings")) },
];

/** Return the first route matching a path (a trailing slash is ignored) and its parameters. */
export function matchRoute(pathname: string): { route: Route; params: RouteParams } | undefined {
  for (const route of ROUTES) {
    const params = matchPath(route.path, pathname);
    if (params) return { route, params };
  }
  return undefined;
}

function PageFallback() {
  return (
    <SkeletonPage primaryAction>
      <Layout>
        <Layout.Section>
          <Card>
            <SkeletonBodyText lines={6} />
          </Card>
        </Layout.Section>
      </Layout>
    </SkeletonPage>
  );
}

/** The app: Polaris provider, navigation and the page for the current path. */
export function App({ env }: { env: ShopEnv }) {
  const pathname = usePathname();
  const match = matchRoute(pathname);
  const PageComponent = match?.route.component ?? NotFound;
  return (
    <ShopEnvContext.Provider value={env}>
      <AppProvider i18n={en} linkComponent={AppLink}>
        <>
          <Navigation items={NAV_ITEMS} pathname={match?.route.nav ?? pathname} />
          <RouteParamsContext.Provider value={match?.params ?? {}}>
            <Suspense fallback={<PageFallback />}>
              {/* Keyed by path: moving from one customer to another starts the page afresh. */}
              <PageComponent key={pathname} />
            </Suspense>
          </RouteParamsContext.Provider>
        </>
      </AppProvider>
    </ShopEnvContext.Provider>
  );
}
