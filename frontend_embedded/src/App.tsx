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
}

/** One page per route, each its own chunk. Only pages that work end to end are listed. */
export const ROUTES: Route[] = [
  { path: "/", label: "Dashboard", component: lazy(() => import("./pages/Dashboard")) },
  { path: "/sync", label: "Sync", component: lazy(() => import("./pages/Sync")) },
];

/** Return the route for a path, ignoring a trailing slash. */
export function matchRoute(pathname: string): Route | undefined {
  const normalized = pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname;
  return ROUTES.find((route) => route.path === normalized);
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
          <Navigation items={ROUTES} pathname={route?.path ?? pathname} />
          <Suspense fallback={<PageFallback />}>
            <PageComponent />
          </Suspense>
        </>
      </AppProvider>
    </ShopEnvContext.Provider>
  );
}
