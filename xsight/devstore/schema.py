"""Load the real Admin schema and parse, validate and execute documents against it."""

from __future__ import annotations

import functools
import gzip
import json
import os
from pathlib import Path
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    GraphQLSchema,
    ValidationRule,
    build_client_schema,
    execute,
    parse,
    specified_rules,
    validate,
)
from graphql.language import FieldNode

from . import resolve_catalog, resolve_order, resolve_root  # noqa: F401  (register resolvers)
from .registry import Ctx, field_resolver, is_supported

SCHEMA_ENV = "XSIGHT_SHOPIFY_SCHEMA"
DEFAULT_SCHEMA = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "shopify"
    / "schema"
    / "admin_2026-04.introspection.json.gz"
)
FALLBACK_SCHEMA = Path("/work/shared/shopify/schema/admin_2026-04.introspection.json.gz")
DOC_CACHE_SIZE = 512
# graphql-core rule -> the extensions.code Shopify (graphql-ruby) reports for it
RULE_CODES = {
    "FieldsOnCorrectTypeRule": "undefinedField",
    "KnownArgumentNamesRule": "argumentNotAccepted",
    "ProvidedRequiredArgumentsRule": "missingRequiredArguments",
    "KnownTypeNamesRule": "undefinedType",
    "NoUnusedVariablesRule": "variableNotUsed",
    "NoUndefinedVariablesRule": "variableNotDefined",
    "ScalarLeafsRule": "selectionMismatch",
    "ValuesOfCorrectTypeRule": "argumentLiteralsIncompatible",
    "VariablesInAllowedPositionRule": "variableMismatch",
    "OverlappingFieldsCanBeMergedRule": "fieldConflict",
    "KnownDirectivesRule": "undefinedDirective",
    "UniqueArgumentNamesRule": "argumentNotUnique",
    "KnownFragmentNamesRule": "undefinedFragment",
    "NoUnusedFragmentsRule": "useAndDefineFragment",
}


def schema_path() -> Path:
    """Return where the 2026-04 introspection file is (env var, shared/ next to the repo, or /work)."""
    env = os.environ.get(SCHEMA_ENV)
    if env:
        return Path(env)
    return DEFAULT_SCHEMA if DEFAULT_SCHEMA.exists() else FALLBACK_SCHEMA


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


def _tagged(rule: type[ASTValidationRule], code: str) -> type[ASTValidationRule]:
    class Tagged(rule):  # type: ignore[valid-type, misc]
        def report_error(self, error: GraphQLError) -> None:
            error.extensions = {**(error.extensions or {}), "code": code}
            if code == "undefinedField" and error.message.startswith("Cannot query field "):
                parts = error.message.split("'")
                error.message = f"Field '{parts[1]}' doesn't exist on type '{parts[3]}'"
            super().report_error(error)

    Tagged.__name__ = rule.__name__
    return Tagged


class SupportedFieldsRule(ValidationRule):
    """Reject fields the devstore cannot resolve, naming them, instead of inventing data."""

    def enter_field(self, node: FieldNode, *_args: Any) -> None:
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


RULES = [_tagged(r, RULE_CODES.get(r.__name__, "validationError")) for r in specified_rules]


@functools.lru_cache(maxsize=DOC_CACHE_SIZE)
def prepare(query: str) -> tuple[DocumentNode | None, tuple[dict[str, Any], ...]]:
    """Parse and validate a document; return it or the errors in Shopify's shape."""
    try:
        doc = parse(query)
    except GraphQLError as exc:
        return None, (shape_error(exc, "syntaxError"),)
    errors = validate(admin_schema(), doc, RULES)
    if not errors:
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
