import { Button, Card, EmptyState } from "@shopify/polaris";
import { AppPage } from "../components/Layout/AppPage";
import { navigate } from "../router";

/** Shown for an app path that has no page. */
export default function NotFound() {
  return (
    <AppPage title="Page not found">
      <Card>
        <EmptyState heading="There is no page at this address" image="">
          <p>The link may be out of date. The dashboard has your store's sales and customers.</p>
          <Button variant="primary" onClick={() => navigate("/")}>
            Go to the dashboard
          </Button>
        </EmptyState>
      </Card>
    </AppPage>
  );
}
