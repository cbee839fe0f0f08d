"""Alembic environment: runs migrations against the Flask app's database."""

from __future__ import annotations

import logging

from alembic import context
from flask import current_app

config = context.config
logger = logging.getLogger("alembic.env")


def _db():  # type: ignore[no-untyped-def]
    return current_app.extensions["migrate"].db


def run_migrations_offline() -> None:
    """Emit SQL for the configured URL without connecting."""
    context.configure(url=str(_db().engine.url), target_metadata=_db().metadata,
                      literal_binds=True, render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


def _sqlite_keys_intact(ctx, step, heads, run_args):  # type: ignore[no-untyped-def]
    """Fail a SQLite migration (inside its transaction, so it is undone) that left a dangling key."""
    broken = ctx.connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"Migration {step.up_revision_id} left rows without their parent: {broken[:5]}")


def run_migrations_online() -> None:
    """Run migrations on a live connection."""

    def process_revision_directives(context, revision, directives):  # type: ignore[no-untyped-def]
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")

    def include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
        from xsight.models.search_index import UNMAPPED  # created outside the metadata

        return name not in UNMAPPED

    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", process_revision_directives)
    conf_args.setdefault("include_object", include_object)
    with _db().engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # A batch operation rebuilds a table: create a copy, drop the old one, rename. With
            # foreign keys enforced, dropping the old table would run its referencing tables' ON
            # DELETE actions (deleting their rows). The pragma only works outside a transaction.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()  # end SQLAlchemy's autobegun transaction: Alembic then manages its own
        if sqlite:
            conf_args.setdefault("on_version_apply", [_sqlite_keys_intact])
        try:
            context.configure(connection=connection, target_metadata=_db().metadata, **conf_args)
            with context.begin_transaction():
                context.run_migrations()
        finally:
            if sqlite:
                connection.rollback()  # whatever a failed migration left open
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
