"""The gateway's route table (config/gateway/routes.json): longest prefix wins."""
from __future__ import annotations

import re
from dataclasses import dataclass

METHODS = {"GET", "POST", "PUT", "DELETE"}
UPSTREAM = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class RouteTableError(ValueError):
    """A route table that cannot be served; `problems` lists each fault."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Route:
    prefix: str
    upstream: str
    methods: frozenset[str]
    auth: bool = True
    request_contract: str | None = None
    rate_limit_per_minute: int | None = None


class RouteTable:
    def __init__(self, routes: list[Route], upstream_url: str) -> None:
        self.routes = sorted(routes, key=lambda route: (-len(route.prefix), route.prefix))
        self.upstream_url = upstream_url

    @classmethod
    def from_json(cls, document: object) -> RouteTable:
        problems: list[str] = []
        if not isinstance(document, dict) or not isinstance(document.get("routes"), list):
            raise RouteTableError(["the table must be an object with a list of routes"])
        upstream_url = document.get("upstream_url", "")
        if not isinstance(upstream_url, str) or "{upstream}" not in upstream_url:
            problems.append("upstream_url must contain {upstream}")
        routes, prefixes = [], set()
        for index, entry in enumerate(document["routes"]):
            where = f"routes[{index}]"
            if not isinstance(entry, dict):
                problems.append(f"{where}: must be an object")
                continue
            unknown = set(entry) - {"prefix", "upstream", "methods", "auth", "request_contract",
                                    "rate_limit_per_minute"}
            problems += [f"{where}: unknown key {key!r}" for key in sorted(unknown)]
            prefix, upstream, methods = entry.get("prefix"), entry.get("upstream"), entry.get("methods", ["GET"])
            if not isinstance(prefix, str) or not prefix.startswith("/v1/"):
                problems.append(f"{where}: prefix must start with /v1/")
            elif prefix in prefixes:
                problems.append(f"{where}: prefix {prefix} is routed twice")
            if not isinstance(upstream, str) or not UPSTREAM.match(upstream):
                problems.append(f"{where}: upstream must be a service name")
            if not isinstance(methods, list) or not methods or not set(methods) <= METHODS:
                problems.append(f"{where}: methods must be a non-empty list of {', '.join(sorted(METHODS))}")
                methods = []
            limit = entry.get("rate_limit_per_minute")
            if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 1):
                problems.append(f"{where}: rate_limit_per_minute must be a positive integer")
            prefixes.add(prefix)
            routes.append(Route(str(prefix), str(upstream), frozenset(methods), bool(entry.get("auth", True)),
                                entry.get("request_contract"), limit))
        if problems:
            raise RouteTableError(problems)
        return cls(routes, upstream_url)

    def match(self, path: str) -> Route | None:
        """The route with the longest prefix covering `path`; "/v1/orders" covers /v1/orders/1, not /v1/ordersx."""
        for route in self.routes:
            base = route.prefix.rstrip("/")
            if path == base or path.startswith(base + "/"):
                return route
        return None

    def url_for(self, route: Route, path: str) -> str:
        return self.upstream_url.format(upstream=route.upstream) + path
