"""Shopify protocol code: tokens, OAuth, HMACs, the Admin GraphQL client, bulk operations."""
