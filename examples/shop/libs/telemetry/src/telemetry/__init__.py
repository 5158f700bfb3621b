"""Metrics and structured logs for the shop services; `instrument` wires both into a common.JsonApp."""
from telemetry.instrument import instrument
from telemetry.log import JsonLogger
from telemetry.metrics import Counter, Histogram, Registry

__all__ = ["Counter", "Histogram", "JsonLogger", "Registry", "instrument"]
