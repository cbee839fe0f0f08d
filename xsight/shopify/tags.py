"""Add or remove one tag on many customers: aliased tagsAdd/tagsRemove mutations under the cost cap."""

from __future__ import annotations

from dataclasses import dataclass, field

from xsight.shopify.client import AdminClient

# Each mutation field costs 10 points; 25 per request keeps a request at 250 of the 1,000-point cap
# and leaves the bucket room to pace at the shop's restore rate.
BATCH = 25
MUTATIONS = {"add": "tagsAdd", "remove": "tagsRemove"}


@dataclass
class TagOutcome:
    """Which customers the tag change reached, and why the others failed."""

    done: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


def document(action: str, count: int) -> str:
    """Return one mutation applying `action` ('add' or 'remove') to `count` customers (aliases c0…)."""
    mutation = MUTATIONS[action]
    ids = ", ".join(f"$id{i}: ID!" for i in range(count))
    fields = "\n".join(f"  c{i}: {mutation}(id: $id{i}, tags: $tags) {{ node {{ id }} "
                       "userErrors { field message } }" for i in range(count))
    name = "TagsAddBatch" if action == "add" else "TagsRemoveBatch"
    return f"mutation {name}($tags: [String!]!, {ids}) {{\n{fields}\n}}\n"


def apply(client: AdminClient, action: str, customer_gids: list[str], tag: str) -> TagOutcome:
    """Apply the tag change to every customer in batches; user errors are per customer, not fatal."""
    outcome = TagOutcome()
    for start in range(0, len(customer_gids), BATCH):
        batch = customer_gids[start:start + BATCH]
        variables: dict[str, object] = {"tags": [tag], **{f"id{i}": gid for i, gid in enumerate(batch)}}
        data = client.execute(document(action, len(batch)), variables)
        for i, gid in enumerate(batch):
            result = data.get(f"c{i}") or {}
            errors = result.get("userErrors") or []
            if errors or not result.get("node"):
                outcome.failed[gid] = "; ".join(str(e.get("message")) for e in errors) or "not changed"
            else:
                outcome.done.append(gid)
    return outcome
