"""The gateway application: routing, an authentication check, request contracts, feature flags.

This example runs without its upstreams: a request that passes every check is answered with 503 and the
upstream it would have gone to (X-Upstream), which is what the smoke action checks.
"""
from __future__ import annotations

import json
import sys
from importlib import resources

import contracts
from common import HttpError, JsonApp, Request, Response, build_info
from common.web import run_cli
from telemetry import JsonLogger, instrument

from api_gateway.routing import RouteTable

KNOWN_FLAGS = {"maintenance-mode", "request-echo"}


def feature_flags(info: dict) -> set[str]:
    """The flags baked in at build time (FEATURE_FLAGS=a,b); an unknown flag is a build mistake."""
    flags = {flag.strip() for flag in info["env"].get("FEATURE_FLAGS", "").split(",") if flag.strip()}
    unknown = flags - KNOWN_FLAGS
    if unknown:
        raise ValueError(f"unknown feature flags {sorted(unknown)} (known: {sorted(KNOWN_FLAGS)})")
    return flags


def create_app(table: RouteTable | None = None, flags: set[str] | None = None, info: dict | None = None,
               logger: JsonLogger | None = None) -> JsonApp:
    info = info or build_info("api_gateway")
    flags = feature_flags(info) if flags is None else flags
    if table is None:
        routes = resources.files("api_gateway").joinpath("routes.json").read_text(encoding="utf-8")
        table = RouteTable.from_json(json.loads(routes))
    app = JsonApp(info["name"], info["version"])
    registry = instrument(app, logger=logger)
    forwarded = registry.counter("gateway_forwarded_total", "Requests routed to an upstream.", ("upstream",))

    @app.route("GET", "/v1/gateway/info")
    def gateway_info(_: Request) -> Response:
        return Response(200, {"version": info["version"], "libs": info["libs"], "flags": sorted(flags),
                              "routes": [route.prefix for route in table.routes]})

    def proxy(request: Request) -> Response:
        if "maintenance-mode" in flags:
            raise HttpError(503, "maintenance", "the shop is down for maintenance")
        route = table.match(request.path)
        if route is None:
            raise HttpError(404, "not_found", f"no route for {request.path}")
        if request.method not in route.methods:
            raise HttpError(405, "method_not_allowed", f"{route.prefix} allows {', '.join(sorted(route.methods))}")
        if route.auth and not request.headers.get("Authorization", "").startswith("Bearer "):
            raise HttpError(401, "unauthenticated", "a bearer token is required")
        if route.request_contract and request.method in ("POST", "PUT"):
            problems = contracts.errors(route.request_contract, request.body)
            if problems:
                raise HttpError(400, "contract_violation", f"the body breaks {route.request_contract}", problems)
        forwarded.inc(upstream=route.upstream)
        body = {"error": "upstream_unavailable", "upstream": route.upstream, "url": table.url_for(route, request.path)}
        if "request-echo" in flags:
            body["echo"] = {"method": request.method, "path": request.path, "body": request.body}
        return Response(503, body, headers=(("X-Upstream", route.upstream),))

    for method in ("GET", "POST", "PUT", "DELETE"):
        app.route(method, "/v1/*")(proxy)
    return app


def main(argv: list[str] | None = None) -> int:
    try:
        app = create_app(logger=JsonLogger("api-gateway"))
    except ValueError as error:  # a bad route table or feature flag: refuse to start, say why
        print(f"api-gateway: {error}", file=sys.stderr)
        return 2
    return run_cli(app, argv)
