"""Wires telemetry into a common.JsonApp: request metrics, GET /metrics, and access logs."""
from __future__ import annotations

from common import JsonApp, Request, Response

from telemetry.log import JsonLogger
from telemetry.metrics import Registry


def instrument(app: JsonApp, registry: Registry | None = None, logger: JsonLogger | None = None) -> Registry:
    """Counts and times every request of `app` by method, route and status, serves the metrics at /metrics,
    and logs failed requests. Returns the registry so the service can add its own metrics."""
    registry = registry or Registry()
    requests = registry.counter("http_requests_total", "HTTP requests handled.", ("method", "status"))
    latency = registry.histogram("http_request_duration_seconds", "Time spent handling a request.", ("method",))

    def observe(request: Request, response: Response, seconds: float) -> None:
        requests.inc(method=request.method, status=str(response.status))
        latency.observe(seconds, method=request.method)
        if logger is not None and response.status >= 500:
            logger.error("http.request.failed", method=request.method, path=request.path, status=response.status)

    app.observers.append(observe)
    app.route("GET", "/metrics")(lambda _: Response.text(200, registry.render(), "text/plain; version=0.0.4"))
    return registry
