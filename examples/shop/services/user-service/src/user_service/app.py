"""HTTP API of user-service: POST /v1/users/ registers, GET /v1/users/<id> reads a profile."""
from __future__ import annotations

from common import HttpError, JsonApp, Request, Response, build_info
from common.web import run_cli

from user_service.users import RegistrationError, UserStore


def create_app(store: UserStore | None = None) -> JsonApp:
    info = build_info("user_service")
    app = JsonApp(info["name"], info["version"])
    store = store or UserStore()

    @app.route("POST", "/v1/users/")
    def register(request: Request) -> Response:
        body = request.json_object()
        fields = [body.get(name) for name in ("email", "display_name", "password")]
        if not all(isinstance(value, str) for value in fields):
            raise HttpError(400, "bad_request", "email, display_name and password are required strings")
        try:
            return Response(201, store.register(*fields))
        except RegistrationError as error:
            raise HttpError(422, "registration_refused", "the registration was refused", error.problems)

    @app.route("GET", "/v1/users/*")
    def profile(request: Request) -> Response:
        user = store.users.get(request.path.rsplit("/", 1)[1])
        if user is None:
            raise HttpError(404, "not_found", "no such user")
        return Response(200, user)

    return app


def main(argv: list[str] | None = None) -> int:
    return run_cli(create_app(), argv)
