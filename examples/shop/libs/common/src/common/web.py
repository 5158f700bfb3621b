"""A small JSON-over-HTTP application shared by the shop services.

`JsonApp.dispatch` is a pure function from a request to a response, so handlers are tested without sockets;
`serve` puts an app behind the standard library's threading HTTP server, and `run_cli` gives every service the
same command line (`serve`, `routes`, `version`).
"""
from __future__ import annotations

import argparse
import json
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

MAX_BODY = 1 << 20


class HttpError(Exception):
    """Raised by a handler to answer with `status` and a JSON error body."""

    def __init__(self, status: int, code: str, message: str, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.details = status, code, details or []


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, str] = field(default_factory=dict)
    body: object = None
    headers: dict[str, str] = field(default_factory=dict)

    def json_object(self) -> dict:
        if not isinstance(self.body, dict):
            raise HttpError(400, "bad_request", "the body must be a JSON object")
        return self.body


@dataclass(frozen=True)
class Response:
    status: int
    body: object = None
    content_type: str = "application/json"
    headers: tuple[tuple[str, str], ...] = ()

    @classmethod
    def text(cls, status: int, text: str, content_type: str = "text/plain; charset=utf-8") -> Response:
        return cls(status, text, content_type)

    def encode(self) -> bytes:
        if self.content_type == "application/json":
            return (json.dumps(self.body, sort_keys=True) + "\n").encode()
        return str(self.body).encode()


Handler = Callable[[Request], Response]
Observer = Callable[[Request, Response, float], None]


class JsonApp:
    """Routes requests by method and path; a route ending in `/*` matches every path below it."""

    def __init__(self, name: str, version: str = "0.0.0") -> None:
        self.name, self.version = name, version
        self.routes: dict[tuple[str, str], Handler] = {}
        self.observers: list[Observer] = []
        self.route("GET", "/healthz")(lambda _: Response(200, {"status": "ok", "service": name, "version": version}))

    def route(self, method: str, path: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.routes[(method.upper(), path)] = handler
            return handler
        return register

    def _find(self, method: str, path: str) -> Handler | None:
        if (method, path) in self.routes:
            return self.routes[(method, path)]
        best = None
        for (route_method, route_path), handler in self.routes.items():
            prefix = route_path[:-1]
            if route_method == method and route_path.endswith("/*") and path.startswith(prefix):
                if best is None or len(prefix) > best[0]:
                    best = (len(prefix), handler)
        return best[1] if best else None

    def handle(self, request: Request) -> Response:
        handler = self._find(request.method, request.path)
        try:
            if handler is None:
                allowed = sorted(m for m in {"GET", "POST", "PUT", "DELETE"} if self._find(m, request.path))
                if allowed:
                    message = f"{request.method} not allowed; use {', '.join(allowed)}"
                    raise HttpError(405, "method_not_allowed", message)
                raise HttpError(404, "not_found", f"no route for {request.path}")
            return handler(request)
        except HttpError as error:
            body = {"error": error.code, "message": str(error)}
            if error.details:
                body["details"] = error.details
            return Response(error.status, body)

    def dispatch(self, method: str, target: str, body: bytes = b"", headers: dict[str, str] | None = None) -> Response:
        """Parses a raw request (target = path?query), handles it, and tells the observers."""
        started = time.perf_counter()
        url = urlsplit(target)
        request = Request(method.upper(), url.path or "/", dict(parse_qsl(url.query)), None, headers or {})
        if body:
            try:
                request = Request(request.method, request.path, request.query, json.loads(body), request.headers)
            except (ValueError, UnicodeDecodeError):
                response = Response(400, {"error": "bad_request", "message": "the body is not valid JSON"})
                self._observe(request, response, started)
                return response
        response = self.handle(request)
        self._observe(request, response, started)
        return response

    def _observe(self, request: Request, response: Response, started: float) -> None:
        for observer in self.observers:
            observer(request, response, time.perf_counter() - started)


def make_server(app: JsonApp, host: str = "127.0.0.1", port: int = 8080) -> ThreadingHTTPServer:
    """A bound, listening HTTP server for `app` (port 0 picks a free port); the caller runs serve_forever."""

    class RequestHandler(BaseHTTPRequestHandler):
        server_version = f"{app.name}/{app.version}"

        def _answer(self) -> None:
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                length = -1
            if length < 0 or length > MAX_BODY:
                response = Response(413 if length > 0 else 400,
                                    {"error": "bad_length", "message": f"Content-Length must be 0..{MAX_BODY}"})
            else:
                body = self.rfile.read(length) if length else b""
                response = app.dispatch(self.command, self.path, body, dict(self.headers.items()))
            payload = response.encode()
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(payload)))
            for name, value in response.headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = _answer

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
            pass  # access logs come from telemetry's observer, not from http.server

    server = ThreadingHTTPServer((host, port), RequestHandler)
    server.daemon_threads = True
    return server


def serve(app: JsonApp, host: str = "127.0.0.1", port: int = 8080) -> None:
    """Serves `app` until SIGTERM or SIGINT; prints one `listening on` line first (port 0 picks a free port)."""
    server = make_server(app, host, port)

    def stop(_signal: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    print(f"{app.name} {app.version} listening on http://{host}:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def run_cli(app: JsonApp, argv: list[str] | None = None) -> int:
    """The command line of every service: `serve [--host H] [--port P]`, `routes`, `version`."""
    parser = argparse.ArgumentParser(prog=app.name)
    commands = parser.add_subparsers(dest="command", required=True)
    serve_command = commands.add_parser("serve", help="serve HTTP until interrupted")
    serve_command.add_argument("--host", default="127.0.0.1")
    serve_command.add_argument("--port", type=int, default=8080)
    commands.add_parser("routes", help="list the routes")
    commands.add_parser("version", help="print the version")
    args = parser.parse_args(argv)
    if args.command == "serve":
        try:
            serve(app, args.host, args.port)
        except OSError as error:
            print(f"{app.name}: cannot listen on {args.host}:{args.port}: {error.strerror}", file=sys.stderr)
            return 1
    elif args.command == "routes":
        for method, path in sorted(app.routes, key=lambda route: (route[1], route[0])):
            print(f"{method:6} {path}")
    else:
        print(f"{app.name} {app.version}")
    return 0
