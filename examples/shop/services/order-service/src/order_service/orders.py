"""Orders: priced from the catalogue with exact money, moved through a small state machine, announced with an
order.created.v1 event."""
from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone

import contracts
from common import Money

CATALOGUE = {  # SKU -> unit price in EUR; a real service reads the catalogue service
    "MUG-BLUE-350": "12.50", "TEE-M-BLACK": "19.90", "SOCKS-3PK": "9.99", "POSTER-A2": "15.00",
}
RATES = {"EUR": "1", "USD": "1.08", "GBP": "0.86", "CHF": "0.95"}
TRANSITIONS = {"pending": {"paid", "cancelled"}, "paid": {"shipped", "cancelled"}, "shipped": set(), "cancelled": set()}


class OrderError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class Order:
    order_id: str
    customer_id: str
    lines: list[dict]
    total: Money
    state: str = "pending"
    history: list[str] = field(default_factory=lambda: ["pending"])

    def move_to(self, state: str) -> None:
        if state not in TRANSITIONS.get(self.state, set()):
            raise OrderError([f"cannot go from {self.state} to {state}"])
        self.state = state
        self.history.append(state)

    def to_json(self) -> dict:
        return {"order_id": self.order_id, "customer_id": self.customer_id, "lines": self.lines,
                "total": self.total.to_json(), "state": self.state, "history": self.history}


def price(sku: str, currency: str) -> Money:
    if sku not in CATALOGUE:
        raise OrderError([f"unknown sku {sku}"])
    if currency not in RATES:
        raise OrderError([f"{currency} is not sold in"])
    euros = Money.parse(CATALOGUE[sku], "EUR").times(RATES[currency])
    return Money(currency, euros.minor)  # every currency sold in has two decimals, like EUR


def place(request: dict, new_id: Callable[[str], str] | None = None,
          now: Callable[[], datetime] | None = None) -> tuple[Order, dict]:
    """Validates an order-request.v1, prices it and returns the order with its order.created.v1 event."""
    new_id = new_id or (lambda prefix: f"{prefix}_{secrets.token_hex(8 if prefix == 'evt' else 6)}")
    now = now or (lambda: datetime.now(timezone.utc))
    problems = contracts.errors("order-request.v1", request)
    if problems:
        raise OrderError(problems)
    currency, lines, total = request["currency"], [], Money.zero(request["currency"])
    for line in request["lines"]:
        unit = price(line["sku"], currency)
        total += unit.times(line["quantity"])
        lines.append({"sku": line["sku"], "quantity": line["quantity"], "unit_price": unit.to_json()})
    order = Order(new_id("ord"), request["customer_id"], lines, total)
    event = {
        "event_id": new_id("evt"),
        "occurred_at": now().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "order_id": order.order_id,
        "customer_id": order.customer_id,
        "lines": lines,
        "total": total.to_json(),
    }
    contracts.validate("order.created.v1", event)  # never publish an event our consumers would reject
    return order, event
