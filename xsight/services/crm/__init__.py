"""CRM: customer facts, customer and order queries, segments, exports and tag write-back."""
