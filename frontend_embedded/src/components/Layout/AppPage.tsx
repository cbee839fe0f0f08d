/**
 * A page frame that uses the Admin's title bar when embedded and a Polaris Page header in
 * the demo (where there is no Admin chrome around the app).
 */
import { Page } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import type { ReactNode } from "react";
import { isShim } from "../../appBridgeShim";

export interface PageAction {
  content: string;
  onAction: () => void;
  loading?: boolean;
  disabled?: boolean;
}

interface AppPageProps {
  title: string;
  subtitle?: string;
  primaryAction?: PageAction;
  secondaryActions?: PageAction[];
  children: ReactNode;
}

/** Render a page with its title and actions in the right place for the environment. */
export function AppPage({ title, subtitle, primaryAction, secondaryActions = [], children }: AppPageProps) {
  if (isShim()) {
    return (
      <Page title={title} subtitle={subtitle} primaryAction={primaryAction} secondaryActions={secondaryActions}>
        {children}
      </Page>
    );
  }
  return (
    <>
      <TitleBar title={title}>
        {primaryAction && (
          <button
            variant="primary"
            onClick={primaryAction.onAction}
            disabled={primaryAction.disabled || primaryAction.loading}
            loading={primaryAction.loading ? "" : undefined}
          >
            {primaryAction.content}
          </button>
        )}
        {secondaryActions.map((action) => (
          <button key={action.content} onClick={action.onAction} disabled={action.disabled || action.loading}>
            {action.content}
          </button>
        ))}
      </TitleBar>
      {/* The Admin's title bar already names the page (and the store), so no Polaris header here. */}
      <Page>{children}</Page>
    </>
  );
}
