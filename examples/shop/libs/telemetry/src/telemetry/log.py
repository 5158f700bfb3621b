"""One JSON object per line: easy to grep locally, parsed as-is by the log pipeline."""
from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Mapping
from typing import TextIO

from common import Settings

LEVELS = {"debug": 10, "info": 20, "warning": 30, "error": 40}


class JsonLogger:
    """`JsonLogger("orders").info("order.created", order_id="o-1")` writes
    {"event": "order.created", "level": "info", "order_id": "o-1", "service": "orders", "ts": ...}.
    The level comes from LOG_LEVEL (debug, info, warning, error; default info)."""

    def __init__(self, service: str, stream: TextIO | None = None, environ: Mapping[str, str] | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        settings = Settings("", environ)
        level = settings.string("LOG_LEVEL", default="info").lower()
        if level not in LEVELS:
            settings.problems.append(f"LOG_LEVEL={level!r} is not one of {', '.join(LEVELS)}")
        settings.check()
        self.service, self.threshold, self.clock = service, LEVELS[level], clock
        self.stream = stream if stream is not None else sys.stderr

    def log(self, level: str, event: str, **fields: object) -> None:
        if LEVELS[level] < self.threshold:
            return
        record = {"ts": round(self.clock(), 3), "level": level, "service": self.service, "event": event, **fields}
        self.stream.write(json.dumps(record, sort_keys=True, default=str) + "\n")

    def debug(self, event: str, **fields: object) -> None:
        self.log("debug", event, **fields)

    def info(self, event: str, **fields: object) -> None:
        self.log("info", event, **fields)

    def warning(self, event: str, **fields: object) -> None:
        self.log("warning", event, **fields)

    def error(self, event: str, **fields: object) -> None:
        self.log("error", event, **fields)
