/**
 * App navigation: the Admin's sidebar via App Bridge's NavMenu when embedded; in the demo
 * (no Admin around the app) a Polaris tab bar at the top of the page.
 */
import { NavMenu } from "@shopify/app-bridge-react";
import { Badge, Box, InlineStack, Tabs, Text } from "@shopify/polaris";
import { isShim } from "../../appBridgeShim";
import { navigate } from "../../router";

export interface NavItem {
  path: string;
  label: string;
}

interface NavigationProps {
  items: NavItem[];
  pathname: string;
}

/** Render the navigation for the current environment. */
export function Navigation({ items, pathname }: NavigationProps) {
  if (!isShim()) {
    return (
      <NavMenu>
        {items.map((item, index) => (
          <a key={item.path} href={item.path} rel={index === 0 ? "home" : undefined}>
            {item.label}
          </a>
        ))}
      </NavMenu>
    );
  }
  const selected = Math.max(
    0,
    items.findIndex((item) => item.path === pathname),
  );
  return (
    // As tall as the tabs will be once Polaris has measured them, so the page does not move down.
    <Box background="bg-surface" borderBlockEndWidth="025" borderColor="border" paddingInline="400" minHeight="45px">
      <nav aria-label="XSight">
        <InlineStack align="space-between" blockAlign="center" wrap={false}>
          <Tabs
            tabs={items.map((item) => ({ id: `nav${item.path.replace(/\W/g, "-")}`, content: item.label }))}
            selected={selected}
            onSelect={(index) => navigate(items[index].path)}
          />
          <InlineStack gap="200" blockAlign="center" wrap={false}>
            <span className="xsight-wide-only">
              <Text as="span" variant="bodySm" tone="subdued">
                Outside Shopify Admin
              </Text>
            </span>
            <Badge tone="info">Demo</Badge>
          </InlineStack>
        </InlineStack>
      </nav>
    </Box>
  );
}
