"""Serve the devstore control API (loopback only) and signed bulk-result downloads."""

from __future__ import annotations

import hmac
import json
import time
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, jsonify, request, send_file

from .generator import ShopSpec, generate_shop
from .graphql_api import services
from .oauth import mint_id_token
from .payloads_catalog import shop_payload
from .values import cents_str

bp = Blueprint("devstore_control", __name__, url_prefix="/_devstore")
LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})
COMPLIANCE = ("customers/data_request", "customers/redact", "shop/redact")


def loopback_only(view: Callable[..., Any]) -> Callable[..., Any]:
    """Refuse control calls that do not come from this machine."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        """Run the view for loopback callers only."""
        if request.remote_addr not in LOOPBACK:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def _shop() -> str:
    svc = services()
    body = request.get_json(silent=True) or {}
    shop = request.args.get("shop") or body.get("shop") or svc.config.default_shop
    if svc.storage.shop_row(shop) is None:
        abort(404, description=f"Shop {shop} is not in this store.")
    return str(shop)


@bp.get("/health")
def health() -> Any:
    """Say the store is up."""
    return jsonify(ok=True)


@bp.get("/config")
@loopback_only
def config() -> Any:
    """Return the store settings (base URL, shops, api key, faults)."""
    return jsonify(services().describe())


@bp.get("/id_token")
@loopback_only
def id_token() -> Any:
    """Mint an App Bridge-style ID token for a shop."""
    return jsonify(id_token=mint_id_token(services().config, _shop(), int(request.args.get("user_id", 1))))


@bp.route("/faults", methods=["GET", "POST", "PUT"])
@loopback_only
def faults() -> Any:
    """Read or change the fault knobs."""
    svc = services()
    if request.method != "GET":
        try:
            svc.config.faults.update(request.get_json(force=True) or {})
        except (ValueError, TypeError) as exc:
            return jsonify(error="invalid_faults", message=str(exc)), 400
    return jsonify(svc.config.faults.to_dict())


@bp.get("/params")
@loopback_only
def params() -> Any:
    """Return the generator parameters and sizes recorded with the shop."""
    row = services().storage.shop_row(_shop())
    assert row is not None
    return jsonify(row[2])


@bp.get("/truth")
@loopback_only
def truth() -> Any:
    """Return ground truth for tests: counts and money sums per table."""
    shop, st = _shop(), services().storage
    o = st.query(
        "SELECT COUNT(*), COALESCE(SUM(total_cents),0), COALESCE(SUM(refunded_cents),0), "
        "COALESCE(SUM(cancelled),0), COALESCE(SUM(test),0), COALESCE(SUM(spend_cents),0), "
        "COALESCE(SUM(CASE WHEN cancelled=0 AND test=0 THEN total_cents-refunded_cents ELSE 0 END),0) "
        "FROM orders WHERE shop=?",
        (shop,),
    )[0]
    counts = {
        t: st.query(f"SELECT COUNT(*) FROM {t} WHERE shop=?", (shop,))[0][0]  # noqa: S608
        for t in ("customers", "products", "bulk_ops")
    }
    return jsonify(
        shop=shop,
        customers=counts["customers"],
        products=counts["products"],
        bulk_operations=counts["bulk_ops"],
        orders={
            "count": o[0],
            "total": cents_str(o[1]),
            "refunded": cents_str(o[2]),
            "cancelled": o[3],
            "test": o[4],
            "spend": cents_str(o[5]),
            "net_revenue": cents_str(o[6]),
        },
    )


@bp.post("/tokens")
@loopback_only
def tokens() -> Any:
    """Issue an offline access token for a shop directly (tests and the demo)."""
    svc, body = services(), request.get_json(silent=True) or {}
    return jsonify(
        svc.tokens.issue(_shop(), svc.config.api_key, svc.config.scopes, bool(body.get("expiring")))
    )


@bp.post("/tokens/expire")
@loopback_only
def expire_token() -> Any:
    """Expire a token now."""
    services().tokens.expire(str((request.get_json(silent=True) or {}).get("token", "")))
    return jsonify(ok=True)


@bp.post("/activity")
@loopback_only
def activity() -> Any:
    """Set the store activity rate in actions per second (0 stops it)."""
    svc = services()
    svc.activity.set_rate(float((request.get_json(silent=True) or {}).get("rate", 0)))
    return jsonify(rate=svc.activity.rate, counts=svc.activity.counts)


@bp.post("/activity/step")
@loopback_only
def activity_step() -> Any:
    """Perform `count` store actions now (optionally one kind)."""
    svc, body = services(), request.get_json(silent=True) or {}
    shop = _shop()
    try:
        done = [svc.activity.step(shop, body.get("action")) for _ in range(int(body.get("count", 1)))]
    except ValueError as exc:
        return jsonify(error="invalid_action", message=str(exc)), 400
    return jsonify(actions=done)


@bp.post("/uninstall")
@loopback_only
def uninstall() -> Any:
    """Uninstall the app from a shop: revoke its tokens and send app/uninstalled."""
    svc, shop = services(), _shop()
    revoked = svc.tokens.revoke_shop(shop)
    row = svc.storage.shop_row(shop)
    assert row is not None
    svc.webhooks.emit(shop, "app/uninstalled", shop_payload(row[1]))
    return jsonify(revoked=revoked)


@bp.post("/compliance")
@loopback_only
def compliance() -> Any:
    """Send a mandatory compliance webhook (customers/data_request, customers/redact, shop/redact)."""
    svc, shop, body = services(), _shop(), request.get_json(silent=True) or {}
    topic = body.get("topic")
    if topic not in COMPLIANCE:
        return jsonify(error="invalid_topic", message=f"topic must be one of {COMPLIANCE}"), 400
    row = svc.storage.shop_row(shop)
    assert row is not None
    payload: dict[str, Any] = {"shop_id": row[1]["id"], "shop_domain": shop}
    if topic != "shop/redact":
        cid = int(body.get("customer_id", 0))
        found = svc.storage.query("SELECT doc FROM customers WHERE id=? AND shop=?", (cid, shop))
        email = json.loads(found[0][0])["email"] if found else None
        orders = [r[0] for r in svc.storage.query("SELECT id FROM orders WHERE customer_id=?", (cid,))]
        payload["customer"] = {"id": cid, "email": email, "phone": None}
        payload["orders_requested" if topic == "customers/data_request" else "orders_to_redact"] = orders
        if topic == "customers/data_request":
            payload["data_request"] = {"id": int(time.time())}
    return jsonify(webhook_id=svc.webhooks.emit(shop, topic, payload))


@bp.post("/delete")
@loopback_only
def delete() -> Any:
    """Delete an order, customer or product by numeric id and send its */delete webhook."""
    svc, shop, body = services(), _shop(), request.get_json(silent=True) or {}
    kind = body.get("kind")
    if kind not in ("order", "customer", "product"):
        return jsonify(error="invalid_kind", message="kind must be order, customer or product"), 400
    return jsonify(deleted=svc.mutate.delete(shop, kind, int(body.get("id", 0))))


@bp.post("/throttle/reset")
@loopback_only
def throttle_reset() -> Any:
    """Refill every rate-limit bucket."""
    services().throttle.reset()
    return jsonify(ok=True)


@bp.get("/webhooks")
@loopback_only
def webhook_log() -> Any:
    """Return the recent webhook deliveries and whether the sender is idle."""
    sender = services().webhooks
    return jsonify(idle=sender.idle(), deliveries=list(sender.log))


@bp.post("/shops")
@loopback_only
def add_shop() -> Any:
    """Generate another shop into this store (e.g. a second tenant with another seed)."""
    body = request.get_json(force=True) or {}
    known = {"domain", "seed", "customers", "orders", "products", "plan", "currency", "timezone"}
    try:
        spec = ShopSpec(**{k: v for k, v in body.items() if k in known})
        summary = generate_shop(services().storage, spec)
    except (ValueError, TypeError) as exc:
        return jsonify(error="invalid_shop", message=str(exc)), 400
    return jsonify(shop=spec.domain, generated=summary)


@bp.get("/bulk/<int:op_id>.jsonl")
def bulk_file(op_id: int) -> Any:
    """Serve a bulk result file if the URL signature is valid and not expired."""
    runner = services().bulk
    expires = int(request.args.get("expires", "0"))
    if not hmac.compare_digest(request.args.get("signature", ""), runner.signature(op_id, expires)):
        return "<Error><Code>SignatureDoesNotMatch</Code></Error>", 403, {"Content-Type": "application/xml"}
    if expires < time.time():
        return "<Error><Code>ExpiredToken</Code></Error>", 400, {"Content-Type": "application/xml"}
    rows = services().storage.query("SELECT path FROM bulk_ops WHERE id=?", (op_id,))
    if not rows or not rows[0][0] or not Path(rows[0][0]).exists():
        abort(404)
    return send_file(rows[0][0], mimetype="application/jsonl", conditional=False)
