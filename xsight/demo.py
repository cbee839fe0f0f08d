"""Run the embedded demo: migrate the SQLite database and serve the app."""

from __future__ import annotations

import os
import socket

from flask_migrate import upgrade

from xsight import create_app, settings_of
from xsight.extensions import socketio

DEFAULT_PORT = 5000


def free_port(preferred: int) -> int:
    """Return `preferred` if it is free on loopback, else any free port."""
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", preferred))
            return preferred
        except OSError:
            probe.bind(("127.0.0.1", 0))
            return int(probe.getsockname()[1])


def main() -> None:
    """Prepare the database and serve the app until interrupted."""
    port = free_port(int(os.environ.get("PORT", DEFAULT_PORT)))
    os.environ.setdefault("APP_URL", f"http://127.0.0.1:{port}")
    app = create_app()
    with app.app_context():
        upgrade()
    print(f"App: {settings_of(app).APP_URL}", flush=True)
    socketio.run(app, host="127.0.0.1", port=port, allow_unsafe_werkzeug=True)


if __name__ == "__main__":
    main()
