"""XSight: customer analytics and CRM embedded in Shopify Admin."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from xsight.config import Settings, load_settings, project_root

__all__ = ["create_app", "settings_of"]


def create_app(config: Settings | dict[str, Any] | None = None) -> Flask:
    """Build the Flask app from settings (read from the environment unless given)."""
    settings = config if isinstance(config, Settings) else load_settings(**(config or {}))
    app = Flask(__name__, instance_path=settings.INSTANCE_PATH)
    Path(settings.INSTANCE_PATH).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(
        SECRET_KEY=settings.SECRET_KEY,
        SQLALCHEMY_DATABASE_URI=settings.database_uri,
        TESTING=settings.XSIGHT_ENV == "test",
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        JSON_SORT_KEYS=False,
    )
    app.extensions["xsight.settings"] = settings
    from xsight import ops, sessions

    ops.init_app(app, settings)
    sessions.init_app(app)
    _init_extensions(app, settings)
    _register_blueprints(app)
    return app


def settings_of(app: Flask) -> Settings:
    """Return the settings an app was built with."""
    settings: Settings = app.extensions["xsight.settings"]
    return settings


def _init_extensions(app: Flask, settings: Settings) -> None:
    from xsight import db_setup, models, realtime  # noqa: F401 - registers tables, hooks, events
    from xsight.errors import register_error_handlers
    from xsight.extensions import db, migrate, socketio
    from xsight.tasks import registry  # noqa: F401 - registers every task and its hooks
    from xsight.tasks.queue import huey

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = db_setup.engine_options(settings.database_uri)
    db.init_app(app)
    with app.app_context():
        db_setup.install_idle_ping(db.engine)
    migrate.init_app(app, db, directory=str(project_root() / "migrations"))
    socketio.init_app(app, message_queue=settings.REDIS_URL or None, async_mode="threading",
                      cors_allowed_origins=[])
    if settings.XSIGHT_ENV == "test":
        huey.immediate = True
    register_error_handlers(app)


def _register_blueprints(app: Flask) -> None:
    from xsight.blueprints.api import bp as api_bp
    from xsight.blueprints.app_home import bp as app_home_bp
    from xsight.blueprints.auth import bp as auth_bp
    from xsight.blueprints.health import bp as health_bp
    from xsight.blueprints.metrics import bp as metrics_bp
    from xsight.blueprints.webhooks import bp as webhooks_bp
    from xsight.cli import register_cli
    from xsight.openapi import bp as openapi_bp

    for blueprint in (health_bp, metrics_bp, api_bp, openapi_bp, app_home_bp, auth_bp, webhooks_bp):
        app.register_blueprint(blueprint)
    settings = settings_of(app)
    if settings.SHOPIFY_STORE_URL_OVERRIDE and settings.XSIGHT_ENV != "production":
        from xsight.blueprints.demo import bp as demo_bp

        app.register_blueprint(demo_bp)
    register_cli(app)
    from xsight.blueprints.webhooks.lean import install

    install(app)  # in front of Flask (and Socket.IO's middleware) for POST /webhooks
