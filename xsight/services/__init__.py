"""Use cases called by blueprints and tasks; the only layer that touches both db and Shopify."""
