"""HTTP API of order-service: POST /v1/orders, GET /v1/orders/<id>, POST /v1/orders/<id>/<state>."""
from __future__ import annotations

from collections.abc import Callable

from common import HttpError, JsonApp, Request, Response, build_info
from common.web import run_cli
from telemetry import JsonLogger, instrument

from order_service.orders import Order, OrderError, place


def create_app(publish: Callable[[dict], None] | None = None, logger: JsonLogger | None = None) -> JsonApp:
    """`publish` receives each order.created.v1 event (the queue in production)."""
    info = build_info("order_service")
    app = JsonApp(info["name"], info["version"])
    registry = instrument(app, logger=logger)
    placed = registry.counter("orders_placed_total", "Orders accepted.", ("currency",))
    orders: dict[str, Order] = {}
    publish = publish or (lambda event: None)

    @app.route("POST", "/v1/orders")
    def create(request: Request) -> Response:
        try:
            order, event = place(request.json_object())
        except OrderError as error:
            raise HttpError(422, "order_refused", "the order was refused", error.problems)
        orders[order.order_id] = order
        publish(event)
        placed.inc(currency=order.total.currency)
        return Response(201, order.to_json())

    @app.route("GET", "/v1/orders/*")
    def read(request: Request) -> Response:
        return Response(200, find(request.path.split("/")[3]).to_json())

    @app.route("POST", "/v1/orders/*")
    def transition(request: Request) -> Response:
        parts = request.path.split("/")
        if len(parts) != 5:
            raise HttpError(404, "not_found", "use POST /v1/orders/<id>/<paid|shipped|cancelled>")
        order = find(parts[3])
        try:
            order.move_to(parts[4])
        except OrderError as error:
            raise HttpError(409, "conflict", str(error))
        return Response(200, order.to_json())

    def find(order_id: str) -> Order:
        if order_id not in orders:
            raise HttpError(404, "not_found", f"no order {order_id}")
        return orders[order_id]

    return app


def main(argv: list[str] | None = None) -> int:
    return run_cli(create_app(logger=JsonLogger("order-service")), argv)
