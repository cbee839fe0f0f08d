"""Command line: `python -m xsight.devstore serve|generate ...`."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from datetime import UTC, datetime

from .app import create_store_app
from .config import ACCESS_TOKEN_TTL_S, DEFAULT_API_KEY, DEFAULT_API_SECRET, Faults, StoreConfig
from .generator import DEFAULT_SHOP, PLANS, ShopSpec, generate_shop
from .storage import Storage

FAULT_FLAGS = {
    "throttle_pressure": "share of calls answered THROTTLED",
    "throttle_429_share": "share of THROTTLED answers sent as HTTP 429",
    "error_rate": "share of calls answered 502/503/504",
    "latency_ms": "added latency per call (ms)",
    "bulk_fail": "share of bulk operations that fail",
    "webhook_drop": "share of webhooks dropped",
    "webhook_duplicate": "share of webhooks sent twice",
    "webhook_reorder": "share of webhooks delivered out of order",
}


def _end(text: str) -> float:
    if text == "today":
        now = datetime.now(UTC)
        return datetime(now.year, now.month, now.day, tzinfo=UTC).timestamp()
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


def _add_shop_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", required=True, help="SQLite file of the store (created if missing)")
    p.add_argument("--seed", type=int, default=1, help="random seed of the generated shop")
    p.add_argument("--shop", default=DEFAULT_SHOP, help="shop domain ({name}.myshopify.com)")
    p.add_argument("--customers", type=int, help="number of customers (default 120 with --orders unset)")
    p.add_argument("--orders", type=int, help="approximate number of orders (default 250)")
    p.add_argument("--products", type=int, default=50)
    p.add_argument("--end-date", default="2026-11-01", help="last day of history (YYYY-MM-DD or 'today')")
    p.add_argument("--horizon-days", type=float, default=730.0, help="length of the order history")
    p.add_argument("--plan", default="Basic", choices=sorted(PLANS))


def _spec(a: argparse.Namespace) -> ShopSpec:
    return ShopSpec(
        domain=a.shop,
        seed=a.seed,
        customers=a.customers,
        orders=a.orders,
        products=a.products,
        end=_end(a.end_date),
        horizon_days=a.horizon_days,
        plan=a.plan,
    )


def build_parser() -> argparse.ArgumentParser:
    """Return the CLI parser."""
    parser = argparse.ArgumentParser(prog="python -m xsight.devstore", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="generate a shop into a store database and exit")
    _add_shop_args(gen)
    serve = sub.add_parser("serve", help="serve the store (generating the shop first if needed)")
    _add_shop_args(serve)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8787)
    serve.add_argument("--api-key", default=DEFAULT_API_KEY)
    serve.add_argument("--api-secret", default=DEFAULT_API_SECRET)
    serve.add_argument("--app-url", help="where webhooks go: {app_url}/webhooks and /webhooks/compliance")
    serve.add_argument("--access-token-ttl", type=int, default=ACCESS_TOKEN_TTL_S, help="seconds")
    serve.add_argument("--activity-rate", type=float, default=0.0, help="store actions per second")
    for name, text in FAULT_FLAGS.items():
        serve.add_argument("--" + name.replace("_", "-"), type=float, default=0.0, help=text)
    return parser


def _configure_logging() -> None:
    """Log like the app: LOG_FORMAT (json or human, default human) and LOG_LEVEL, redacted."""
    from xsight.ops import logs

    logs.configure(os.environ.get("LOG_LEVEL", "INFO"), os.environ.get("LOG_FORMAT") or "human")


def main(argv: list[str] | None = None) -> int:
    """Run the CLI."""
    args = build_parser().parse_args(argv)
    if args.command == "generate":
        try:
            summary = generate_shop(Storage(args.db), _spec(args))
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        print(json.dumps({"shop": args.shop, "db": args.db, **summary}))
        return 0
    _configure_logging()
    faults = Faults()
    faults.update({name: getattr(args, name) for name in FAULT_FLAGS})
    config = StoreConfig(
        db_path=args.db,
        api_key=args.api_key,
        api_secret=args.api_secret,
        app_url=args.app_url,
        base_url=f"http://{args.host}:{args.port}",
        default_shop=args.shop,
        seed=args.seed,
        access_token_ttl=args.access_token_ttl,
        activity_rate=args.activity_rate,
        faults=faults,
    )
    app = create_store_app(config, [_spec(args)])
    from werkzeug.serving import make_server

    from .server import QuietHandler

    server = make_server(args.host, args.port, app, threaded=True, request_handler=QuietHandler)
    config.base_url = f"http://{args.host}:{server.server_port}"  # --port 0 picks a free port
    print(
        json.dumps(
            {"listening": config.base_url, "shops": app.extensions["devstore"].storage.shop_domains()}
        ),
        flush=True,
    )
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        app.extensions["devstore"].stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
