"""Load the GraphQL documents the app sends; one operation per `<Name>.graphql` file."""

from __future__ import annotations

from functools import cache
from importlib import resources

SUFFIX = ".graphql"


@cache
def load(name: str) -> str:
    """Return the text of queries/<name>.graphql, e.g. load("OrdersPage")."""
    path = resources.files(__name__) / f"{name}{SUFFIX}"
    if not path.is_file():
        raise KeyError(f"No GraphQL document named {name!r}; expected one of: {', '.join(names())}.")
    return path.read_text(encoding="utf-8")


def names() -> list[str]:
    """Return the names of every stored document, sorted."""
    return sorted(
        entry.name[: -len(SUFFIX)]
        for entry in resources.files(__name__).iterdir()
        if entry.name.endswith(SUFFIX)
    )
