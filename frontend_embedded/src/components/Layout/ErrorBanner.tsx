import { Banner } from "@shopify/polaris";
import type { ApiError } from "../../hooks/useApi";

/** An error banner with the API's message and a Retry action. */
export function ErrorBanner({ title, error, onRetry }: { title: string; error: ApiError; onRetry: () => void }) {
  return (
    <Banner title={title} tone="critical" action={{ content: "Retry", onAction: onRetry }}>
      <p>{error.message}</p>
    </Banner>
  );
}
