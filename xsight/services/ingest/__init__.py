"""Turn Shopify objects (GraphQL nodes or webhook payloads) into rows, and write them."""
