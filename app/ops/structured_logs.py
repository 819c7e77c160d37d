"""Structured process logs: one JSON object per line, carrying the request id of the current request.

Stdlib logging with a small formatter rather than a logging library: uvicorn, SQLAlchemy,
httpx and openai all log through stdlib loggers, so one formatter on the root handler makes
every line JSON without adapters.
"""

import json
import logging
import logging.config
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from app.settings import Settings

# Set by the request-context middleware; read by the formatter for every line logged meanwhile.
request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

# Attributes every LogRecord has; anything else came from `extra=` and is emitted as a field.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName", "color_message"}


class JsonFormatter(logging.Formatter):
    """Format a record as a JSON object: time, level, logger, message, request id and extras."""

    def format(self, record: logging.LogRecord) -> str:
        body: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or request_id_var.get()
        if request_id:
            body["request_id"] = request_id
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in body:
                body[key] = value
        if record.exc_info:
            body["exception"] = self.formatException(record.exc_info)
        return json.dumps(body, ensure_ascii=False, default=str)


def logging_config(settings: Settings) -> dict[str, Any]:
    """A dictConfig for the service and uvicorn (also passed as uvicorn's log_config)."""
    formatter: dict[str, Any] = (
        {"()": JsonFormatter}
        if settings.log_format == "json"
        else {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}
    )
    level = settings.log_level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": formatter},
        "handlers": {
            "stderr": {"class": "logging.StreamHandler", "formatter": "default", "stream": "ext://sys.stderr"}
        },
        "root": {"handlers": ["stderr"], "level": level},
        "loggers": {
            # Propagate to root so every line goes through the one formatter.
            "uvicorn": {"handlers": [], "level": level, "propagate": True},
            "uvicorn.error": {"handlers": [], "level": level, "propagate": True},
            # The request-context middleware logs one richer line per request instead.
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": True},
            "httpx": {"level": "WARNING"},
            "sqlalchemy": {"level": "WARNING"},
            "alembic": {"level": "INFO" if level == "DEBUG" else "WARNING"},
        },
    }


def configure_logging(settings: Settings) -> None:
    """Install the configuration in this process (CLI commands; `serve` hands it to uvicorn)."""
    logging.config.dictConfig(logging_config(settings))
