"""Load the real Admin schema and parse, validate and execute documents against it."""

from __future__ import annotations

import functools
import gzip
import json
import os
from pathlib import Path
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    GraphQLSchema,
    ValidationRule,
    build_client_schema,
    execute,
    parse,
    validate,
)
from graphql.language import FieldNode

from . import resolve_catalog, resolve_order, resolve_root  # noqa: F401  (register resolvers)
from .registry import Ctx, field_resolver, is_supported

SCHEMA_ENV = "XSIGHT_SHOPIFY_SCHEMA"
# Shipped with the package (see data/PROVENANCE.md), so a fresh clone needs nothing else.
DEFAULT_SCHEMA = Path(__file__).resolve().parent / "data" / "admin_2026-04.introspection.json.gz"
DOC_CACHE_SIZE = 512
# graphql-core message prefix -> the extensions.code Shopify (graphql-ruby) reports for it
MESSAGE_CODES = (
    ("Cannot query field", "undefinedField"),
    ("Unknown argument", "argumentNotAccepted"),
    ("Unknown type", "undefinedType"),
    ("Unknown directive", "undefinedDirective"),
    ("Unknown fragment", "undefinedFragment"),
    ("Fragment '", "useAndDefineFragment"),
    ("Variable '$", "variableMismatch"),
    ("Expected value of type", "argumentLiteralsIncompatible"),
    ("Field '", "missingRequiredArguments"),
    ("There can be only one", "argumentNotUnique"),
)


def schema_path() -> Path:
    """Return where the 2026-04 introspection file is (the env var, else the packaged copy)."""
    env = os.environ.get(SCHEMA_ENV)
    if env:
        return Path(env)
    return DEFAULT_SCHEMA


@functools.cache
def admin_schema() -> GraphQLSchema:
    """Build the executable schema from the real Admin introspection (once per process)."""
    path = schema_path()
    if not path.exists():
        raise FileNotFoundError(
            f"Admin schema not found at {path}; set {SCHEMA_ENV} to the "
            "admin_2026-04.introspection.json.gz file from shared/shopify/schema/."
        )
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        schema = build_client_schema(json.load(fh)["data"])
    # graphql-core 3.3 rejects Shopify's schema for deprecating interface-implementing fields (a rule newer
    # than Shopify's server); Shopify serves it anyway, so treat the schema itself as valid.
    schema._validation_errors = []
    return schema


def _code(message: str) -> str:
    """Return Shopify's extensions.code for a graphql-core validation message."""
    if " is never used" in message:
        return "variableNotUsed" if message.startswith("Variable") else "useAndDefineFragment"
    if " is not defined" in message and message.startswith("Variable"):
        return "variableNotDefined"
    if "selection of subfields" in message or "must not have a selection" in message:
        return "selectionMismatch"
    if "conflict" in message:
        return "fieldConflict"
    return next((code for prefix, code in MESSAGE_CODES if message.startswith(prefix)), "validationError")


def _shopify_message(message: str) -> str:
    """Reword the most common error the way Shopify words it."""
    if message.startswith("Cannot query field "):
        parts = message.split("'")
        return f"Field '{parts[1]}' doesn't exist on type '{parts[3]}'"
    return message


class SupportedFieldsRule(ValidationRule):
    """Reject fields the devstore cannot resolve, naming them, instead of inventing data."""

    def enter_field(self, node: FieldNode, *_args: Any) -> None:
        """Report a field the store has no resolver for."""
        parent = self.context.get_parent_type()
        if parent is None or self.context.get_field_def() is None:
            return
        if not is_supported(parent.name, node.name.value):
            self.report_error(
                GraphQLError(
                    f"Field '{node.name.value}' on type '{parent.name}' is valid for Shopify but not "
                    "supported by the XSight devstore; add a resolver in xsight/devstore/ or drop the field.",
                    node,
                    extensions={
                        "code": "UNSUPPORTED_FIELD",
                        "typeName": parent.name,
                        "fieldName": node.name.value,
                    },
                )
            )


@functools.lru_cache(maxsize=DOC_CACHE_SIZE)
def prepare(query: str) -> tuple[DocumentNode | None, tuple[dict[str, Any], ...]]:
    """Parse and validate a document; return it or the errors in Shopify's shape."""
    try:
        doc = parse(query)
    except GraphQLError as exc:
        return None, (shape_error(exc, "syntaxError"),)
    errors = validate(admin_schema(), doc)
    if errors:
        return None, tuple(
            shape_error(GraphQLError(_shopify_message(e.message), e.nodes), _code(e.message)) for e in errors
        )
    errors = validate(admin_schema(), doc, [SupportedFieldsRule])
    return (None, tuple(shape_error(e) for e in errors)) if errors else (doc, ())


def shape_error(error: GraphQLError, code: str | None = None) -> dict[str, Any]:
    """Format an error as Shopify does: message, locations, path, extensions.code."""
    out: dict[str, Any] = {"message": error.message}
    if error.locations:
        out["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    if error.path:
        out["path"] = list(error.path)
    ext = dict(error.extensions or {})
    if code and "code" not in ext:
        ext["code"] = code
    if ext:
        out["extensions"] = ext
    return out


def run(
    doc: DocumentNode, ctx: Ctx, variables: dict[str, Any] | None, operation: str | None
) -> ExecutionResult:
    """Execute a validated document with the store's resolvers."""
    result = execute(
        admin_schema(),
        doc,
        root_value={},
        context_value=ctx,
        variable_values=variables,
        operation_name=operation,
        field_resolver=field_resolver,
    )
    assert isinstance(result, ExecutionResult)
    return result
