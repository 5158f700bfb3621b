"""HTTP API of auth-service: POST /v1/auth/token issues, POST /v1/auth/verify checks."""
from __future__ import annotations

import sys
import time
from collections.abc import Callable

import contracts
from common import HttpError, JsonApp, Request, Response, Settings, SettingsError, build_info
from common.web import run_cli
from telemetry import JsonLogger, instrument

from auth_service import tokens


def create_app(key: bytes, ttl_seconds: int = 900, clock: Callable[[], float] = time.time) -> JsonApp:
    info = build_info("auth_service")
    app = JsonApp(info["name"], info["version"])
    registry = instrument(app)
    issued = registry.counter("auth_tokens_issued_total", "Access tokens issued.")
    rejected = registry.counter("auth_tokens_rejected_total", "Tokens that failed verification.", ("reason",))
    tokens.check_key(key)

    @app.route("POST", "/v1/auth/token")
    def issue(request: Request) -> Response:
        try:
            token = tokens.issue(request.json_object(), key, int(clock()), ttl_seconds)
        except contracts.ContractError as error:
            raise HttpError(400, "contract_violation", "the body must be a user.v1 document", error.errors)
        issued.inc()
        return Response(201, {"access_token": token, "token_type": "Bearer", "expires_in": ttl_seconds})

    @app.route("POST", "/v1/auth/verify")
    def verify(request: Request) -> Response:
        token = request.json_object().get("token")
        if not isinstance(token, str):
            raise HttpError(400, "bad_request", "expected {\"token\": \"...\"}")
        try:
            claims = tokens.verify(token, key, int(clock()))
        except tokens.TokenError as error:
            rejected.inc(reason=error.reason)
            raise HttpError(401, "invalid_token", "the token is invalid or expired")
        return Response(200, {"active": True, "claims": claims})

    return app


def main(argv: list[str] | None = None) -> int:
    settings = Settings("AUTH")
    key = settings.string("SIGNING_KEY").encode()
    ttl = settings.integer("TOKEN_TTL_SECONDS", default=900, minimum=60)
    try:
        settings.check()
        app = create_app(key, ttl)
    except (SettingsError, tokens.TokenError) as error:
        print(f"auth-service: {error}", file=sys.stderr)
        return 2
    JsonLogger("auth-service").info("auth.start", ttl_seconds=ttl)
    return run_cli(app, argv)
