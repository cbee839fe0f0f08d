import { AppProvider, SkeletonBodyText, SkeletonPage, Layout, Card } from "@shopify/polaris";
import en from "@shopify/polaris/locales/en.json";
import { lazy, Suspense, type ComponentType, type LazyExoticComponent } from "react";
import type { ShopEnv } from "./env";
import { Navigation, type NavItem } from "./components/Layout/Navigation";
import { AppLink, usePathname } from "./router";
import { ShopEnvContext } from "./shopContext";
import NotFound from "./pages/NotFound";

interface Route extends NavItem {
  component: LazyExoticComponent<ComponentType>;
  /** The navigation entry a detail route belongs to (detail routes are not in the navigation). */
  parent?: string;
}

/** One page per route, each its own chunk. Only pages that work end to end are listed. */
export const ROUTES: Route[] = [
  { path: "/", label: "Dashboard", component: lazy(() => import("./pages/Dashboard")) },
  { path: "/customers", label: "Customers", component: lazy(() => import("./pages/Customers")) },
  { path: "/customers/:id", label: "Customer", parent: "/customers", component: lazy(() => import("./pages/Customer")) },
  { path: "/segments", label: "Segments", component: lazy(() => import("./pages/Segments")) },
  { path: "/segments/new", label: "New segment", parent: "/segments", component: lazy(() => import("./pages/SegmentBuilder")) },
  { path: "/segments/:id", label: "Segment", parent: "/segments", component: lazy(() => import("./pages/SegmentBuilder")) },
  { path: "/sync", label: "Sync", component: lazy(() => import("./pages/Sync")) },
];

function matches(pattern: string, path: string): boolean {
  const a = pattern.split("/");
  const b = path.split("/");
  return a.length === b.length && a.every((part, i) => (part.startsWith(":") ? /^\d+$/.test(b[i]) : part === b[i]));
}

/** Return the route for a path, ignoring a trailing slash (`:id` matches a numeric id). */
export function matchRoute(pathname: string): Route | undefined {
  const normalized = pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname;
  return ROUTES.find((route) => route.path === normalized) ?? ROUTES.find((route) => matches(route.path, normalized));
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
  const route = matchRoute(pathname);
  const PageComponent = route?.component ?? NotFound;
  return (
    <ShopEnvContext.Provider value={env}>
      <AppProvider i18n={en} linkComponent={AppLink}>
        <>
          <Navigation items={ROUTES.filter((r) => !r.parent)} pathname={route?.parent ?? route?.path ?? pathname} />
          <Suspense fallback={<PageFallback />}>
            <PageComponent />
          </Suspense>
        </>
      </AppProvider>
    </ShopEnvContext.Provider>
  );
}
