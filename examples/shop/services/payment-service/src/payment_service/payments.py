"""Card authorisation with idempotency keys. Card numbers are checked and dropped: only the last four digits
are kept (PCI DSS keeps the full number out of this service's storage and logs)."""
from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

import contracts
from common import Money

REVIEW_LIMIT = {"EUR": 5_000_00, "USD": 5_000_00, "GBP": 4_000_00, "CHF": 5_000_00}
ORDER_ID = re.compile(r"^ord_[0-9a-f]{12}$")


class PaymentError(ValueError):
    """A declined or invalid payment; `code` is stable for clients (invalid_card, over_limit, conflict...)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def luhn_valid(number: str) -> bool:
    digits = [int(c) for c in number if c.isdigit()]
    if len(digits) < 12 or len(digits) > 19 or re.search(r"[^0-9 ]", number):
        return False
    total = 0
    for index, digit in enumerate(reversed(digits)):
        if index % 2 == 1:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


@dataclass
class Ledger:
    """Authorisations by idempotency key; a retried request gets the first answer back."""

    new_id: Callable[[str], str] = lambda prefix: f"{prefix}_{secrets.token_hex(8 if prefix == 'evt' else 6)}"
    now: Callable[[], datetime] = lambda: datetime.now(timezone.utc)

    def __post_init__(self) -> None:
        self.by_key: dict[str, tuple[str, dict]] = {}

    def authorize(self, idempotency_key: str, order_id: str, amount: Money, card_number: str) -> dict:
        """A payment.authorized.v1 event; PaymentError when declined or when the key was used differently."""
        request = [order_id, amount.currency, amount.minor, card_number.replace(" ", "")[-4:]]
        fingerprint = hashlib.sha256(json.dumps(request).encode()).hexdigest()
        if idempotency_key in self.by_key:
            seen, event = self.by_key[idempotency_key]
            if seen != fingerprint:
                raise PaymentError("conflict", "this Idempotency-Key was used for a different payment")
            return event
        if not 8 <= len(idempotency_key) <= 64:
            raise PaymentError("invalid_request", "the Idempotency-Key must have 8 to 64 characters")
        if not ORDER_ID.match(order_id):
            raise PaymentError("invalid_request", f"not an order id: {order_id}")
        if amount.minor <= 0:
            raise PaymentError("invalid_amount", "the amount must be positive")
        if amount.currency not in REVIEW_LIMIT:
            raise PaymentError("invalid_amount", f"{amount.currency} is not accepted")
        limit = Money(amount.currency, REVIEW_LIMIT[amount.currency])
        if amount > limit:
            raise PaymentError("over_limit", f"amounts above {limit.format()} need a manual review")
        if not luhn_valid(card_number):
            raise PaymentError("invalid_card", "the card number is not valid")
        event = {
            "event_id": self.new_id("evt"),
            "occurred_at": self.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
            "payment_id": self.new_id("pay"),
            "order_id": order_id,
            "amount": amount.to_json(),
            "method": "card",
            "card_last4": card_number.replace(" ", "")[-4:],
        }
        contracts.validate("payment.authorized.v1", event)
        self.by_key[idempotency_key] = (fingerprint, event)
        return event
