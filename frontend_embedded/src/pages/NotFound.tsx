import { Card, EmptyState } from "@shopify/polaris";
import { AppPage } from "../components/Layout/AppPage";
import { EMPTY_STATE_IMAGE } from "../components/Layout/emptyImage";
import { navigate } from "../router";

/** Shown for an app path that has no page. */
export default function NotFound() {
  return (
    <AppPage title="Page not found">
      <Card>
        <EmptyState
          heading="There is no page at this address"
          image={EMPTY_STATE_IMAGE}
          action={{ content: "Go to the dashboard", onAction: () => navigate("/") }}
        >
          <p>The link may be out of date. The dashboard has your store's sales and customers.</p>
        </EmptyState>
      </Card>
    </AppPage>
  );
}
