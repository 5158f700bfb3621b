"""The consumer loop: notification.requested.v1 events in (JSON lines), rendered messages out (JSON lines).

    notification-service render < events.jsonl > messages.jsonl

A bad event is logged and counted, never fatal: one poison message must not stop the queue.
The exit status is 1 when any event was rejected, so a batch run still shows it.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO

import contracts
from telemetry import JsonLogger, Registry

from notification_service.templates import RenderError, render


def consume(lines: TextIO, out: TextIO, logger: JsonLogger, registry: Registry) -> tuple[int, int]:
    """Renders each event of `lines` to `out`; returns (rendered, rejected)."""
    outcomes = registry.counter("notifications_total", "Events handled by outcome.", ("outcome",))
    rendered = rejected = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            event = json.loads(line)
            contracts.validate("notification.requested.v1", event)
            message = render(event["template"], event["channel"], event["data"])
        except (ValueError, contracts.ContractError, RenderError) as error:
            rejected += 1
            outcomes.inc(outcome="rejected")
            logger.warning("notification.rejected", line=number, reason=str(error))
            continue
        rendered += 1
        outcomes.inc(outcome=event["channel"])
        out.write(json.dumps({"event_id": event["event_id"], "channel": event["channel"],
                              "to": event["recipient"], **message}, ensure_ascii=False, sort_keys=True) + "\n")
    return rendered, rejected


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="notification-service")
    parser.add_argument("command", choices=["render"], help="render the events on stdin")
    parser.parse_args(argv)
    registry = Registry()
    _, rejected = consume(sys.stdin, sys.stdout, JsonLogger("notification-service"), registry)
    return 1 if rejected else 0
