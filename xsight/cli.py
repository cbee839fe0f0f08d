"""`flask xsight ...` operator commands."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from xsight.services.tokens import rotate_encryption_key

xsight_cli = AppGroup("xsight", help="XSight operator commands.")


@xsight_cli.command("rotate-key")
def rotate_key() -> None:
    """Re-encrypt every stored token under the current ENCRYPTION_KEY."""
    changed = rotate_encryption_key()
    click.echo(f"Re-encrypted the tokens of {changed} shop(s) under the current key.")


def register_cli(app: Flask) -> None:
    """Attach the operator commands to the app."""
    app.cli.add_command(xsight_cli)
