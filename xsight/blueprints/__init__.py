"""One blueprint per surface the outside world calls."""
