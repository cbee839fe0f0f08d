"""Structured logs: one JSON object per line (or one readable line in development), redacted."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

from xsight.ops import context
from xsight.ops.redact import redactor

# Attributes every LogRecord has; anything else on a record came from `extra=` and is logged.
_STANDARD = frozenset(vars(logging.LogRecord("x", 0, "x", 0, "x", None, None))) | {
    "message", "asctime", "taskName", "xsight_redacted"}
# The order of the leading keys of a JSON line; other keys follow in the order they were added.
LEADING = ("ts", "level", "event", "logger", *context.FIELDS, "duration_ms")
HANDLER_NAME = "xsight"
QUIET_LOGGERS = ("httpx", "httpcore", "werkzeug")


class RedactingFilter(logging.Filter):
    """Add the bound context to a record and mask secrets and personal data in it, in place."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record once (message, extras, exception text); never drop it."""
        if getattr(record, "xsight_redacted", False):
            return True
        for key, value in context.current().items():
            if not hasattr(record, key):
                setattr(record, key, value)
        record.msg = redactor.text(record.getMessage())
        record.args = None
        for key, value in list(vars(record).items()):
            if key not in _STANDARD:
                setattr(record, key, redactor.field(key, value))
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redactor.text(record.exc_text)
        if record.stack_info:
            record.stack_info = redactor.text(record.stack_info)
        record.xsight_redacted = True
        return True


class HueyChatterFilter(logging.Filter):
    """Drop Huey's own per-task INFO lines; the "task finished" line carries the same and more."""

    CHATTER = ("Executing %s", "%s executed in %0.3fs")

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep every record except Huey's two per-task lines."""
        return not (record.name == "huey" and record.levelno == logging.INFO and record.msg in self.CHATTER)


def fields_of(record: logging.LogRecord) -> dict[str, Any]:
    """Return the record as the ordered fields of one log line."""
    out: dict[str, Any] = {
        "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
        .replace("+00:00", "Z"),
        "level": record.levelname.lower(), "event": record.getMessage(), "logger": record.name}
    extras = {k: v for k, v in vars(record).items() if k not in _STANDARD}
    for key in LEADING[4:]:
        if extras.get(key) is not None:
            out[key] = extras.pop(key)
    out.update({k: v for k, v in extras.items() if v is not None})
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        out["exception"] = record.exc_text
    return out


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON object on one line."""

    def format(self, record: logging.LogRecord) -> str:
        """Return the JSON line."""
        return json.dumps(fields_of(record), default=str, separators=(",", ":"))


class HumanFormatter(logging.Formatter):
    """Format a record as `time level logger: event key=value ...` for a terminal."""

    def format(self, record: logging.LogRecord) -> str:
        """Return the readable line (and the traceback below it)."""
        fields = fields_of(record)
        ts, level, event, logger = (fields.pop(k) for k in ("ts", "level", "event", "logger"))
        exception = fields.pop("exception", None)
        pairs = " ".join(f"{k}={v}" for k, v in fields.items())
        line = f"{ts[11:23]} {level.upper():<7} {logger}: {event}" + (f"  {pairs}" if pairs else "")
        return line + (f"\n{exception}" if exception else "")


class StderrHandler(logging.StreamHandler):
    """Write to whatever sys.stderr is at the time (test runners swap it)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> Any:
        """Return the current sys.stderr."""
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def configure(level: str = "INFO", fmt: str = "json", secrets: tuple[str, ...] = ()) -> logging.Handler:
    """Install XSight's one redacting handler on the root logger (again: replace it)."""
    redactor.add_secrets(secrets)
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
        root.removeHandler(old)
    handler = StderrHandler()
    handler.set_name(HANDLER_NAME)
    handler.addFilter(HueyChatterFilter())
    handler.addFilter(RedactingFilter())
    handler.setFormatter(JsonFormatter() if fmt == "json" else HumanFormatter())
    # Filters on the handler would miss records that other handlers (pytest, Sentry) see first.
    root.handlers.insert(0, handler)
    root.setLevel(level.upper())
    # httpx logs every request URL at INFO: one line per Shopify call is noise, not an event.
    for chatty in QUIET_LOGGERS:
        logging.getLogger(chatty).setLevel(max(logging.WARNING, root.level))
    return handler
