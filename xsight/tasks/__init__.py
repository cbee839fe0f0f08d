"""Huey tasks; `xsight.tasks.registry` imports every task module."""
