"""Fault soak: simulated store activity with faults against the production layout, then exact checks."""
