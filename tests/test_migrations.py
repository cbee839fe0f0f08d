"""Migrations upgrade from empty, match the models, and downgrade back."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from tests.conftest import reset_database
from xsight.extensions import db
from xsight.models.search_index import UNMAPPED


def mapped(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Leave out the search index objects that live outside the metadata (xsight.models.search_index)."""
    return name not in UNMAPPED


def test_upgrade_matches_models_and_downgrade_empties(app: Flask) -> None:
    with app.app_context():
        reset_database()
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert set(db.metadata.tables) <= tables
        with db.engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "render_as_batch": True, "include_object": mapped})
            diffs = compare_metadata(context, db.metadata)
        assert diffs == []
        downgrade(revision="base")
        remaining = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert remaining == set()
