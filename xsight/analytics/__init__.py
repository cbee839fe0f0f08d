"""Pure customer-analytics library: arrays in, numpy arrays or plain objects out.

Nothing in this package imports Flask, a database driver or Huey; loading and persisting belong to the
services and tasks that call it.
"""
