"""Segments: rule trees (JSON and Shopify text syntax) compiled to SQL, memberships, tag write-back."""
