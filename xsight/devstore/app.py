"""Build the simulated store's Flask app (its own app, its own port, its own database)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException

from . import control, graphql_api, oauth
from .config import StoreConfig
from .generator import ShopSpec, generate_shop
from .services import StoreServices
from .storage import Storage


def create_store_app(config: StoreConfig | None = None, shops: list[ShopSpec] | None = None) -> Flask:
    """Create the store app; generate the given shops first if they are not in the database yet."""
    config = config or StoreConfig()
    if not config.db_path:
        config.temp_dir = tempfile.mkdtemp(prefix="xsight-devstore-")
        config.db_path = str(Path(config.temp_dir) / "store.sqlite")
    storage = Storage(config.db_path)
    for spec in shops or []:
        if storage.shop_row(spec.domain) is None:
            generate_shop(storage, spec)
    if storage.shop_row(config.default_shop) is None and shops:
        config.default_shop = shops[0].domain
    app = Flask("xsight.devstore")
    app.json.sort_keys = False  # type: ignore[attr-defined]  # keep GraphQL's field order, like Shopify
    svc = StoreServices(config, storage)
    app.extensions["devstore"] = svc
    app.register_blueprint(graphql_api.bp)
    app.register_blueprint(oauth.bp)
    app.register_blueprint(control.bp)

    @app.teardown_appcontext
    def release_connection(_exc: BaseException | None) -> None:
        """Close the request thread's SQLite connection."""
        storage.release()  # one thread per request: do not leak a connection per request

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        """Answer HTTP errors with JSON like the Admin API does."""
        response = jsonify(errors=exc.description or exc.name)
        response.status_code = exc.code or 500
        return response

    svc.start()
    return app
