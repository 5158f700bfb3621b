"""HTTP API of payment-service: POST /v1/payments/authorize (needs an Idempotency-Key header)."""
from __future__ import annotations

from common import HttpError, JsonApp, Money, MoneyError, Request, Response, build_info
from common.web import run_cli
from telemetry import JsonLogger, instrument

from payment_service.payments import Ledger, PaymentError

STATUS = {"conflict": 409, "invalid_request": 400, "invalid_amount": 400}


def create_app(ledger: Ledger | None = None, logger: JsonLogger | None = None) -> JsonApp:
    info = build_info("payment_service")
    app = JsonApp(info["name"], info["version"])
    registry = instrument(app, logger=logger)
    outcomes = registry.counter("payments_total", "Authorisation attempts by outcome.", ("outcome",))
    ledger = ledger or Ledger()

    @app.route("POST", "/v1/payments/authorize")
    def authorize(request: Request) -> Response:
        body = request.json_object()
        key = request.headers.get("Idempotency-Key", "")
        try:
            amount = Money.parse(str(body.get("amount", "")), str(body.get("currency", "")))
            event = ledger.authorize(key, str(body.get("order_id", "")), amount, str(body.get("card_number", "")))
        except MoneyError as error:
            outcomes.inc(outcome="invalid_amount")
            raise HttpError(400, "invalid_amount", str(error))
        except PaymentError as error:
            outcomes.inc(outcome=error.code)
            raise HttpError(STATUS.get(error.code, 402), error.code, str(error))
        outcomes.inc(outcome="authorized")
        return Response(201, event)

    return app


def main(argv: list[str] | None = None) -> int:
    return run_cli(create_app(logger=JsonLogger("payment-service")), argv)
