import itertools
import json
import unittest
from datetime import datetime, timezone

import contracts
from common import Money
from payment_service.app import create_app
from payment_service.payments import Ledger, PaymentError, luhn_valid

VISA_TEST = "4242 4242 4242 4242"  # the well-known test card number, not a real card
ORDER = "ord_8c1d9e2f3a4b"


def ledger():
    counter = itertools.count(1)
    return Ledger(new_id=lambda prefix: f"{prefix}_{next(counter):0{16 if prefix == 'evt' else 12}x}",
                  now=lambda: datetime(2024, 11, 5, 9, 14, 5, tzinfo=timezone.utc))


class LedgerTests(unittest.TestCase):
    def test_authorizes_and_keeps_only_the_last_four_digits(self):
        event = ledger().authorize("key-00000001", ORDER, Money("EUR", 2975), VISA_TEST)
        contracts.validate("payment.authorized.v1", event)
        self.assertEqual((event["card_last4"], event["amount"]), ("4242", {"amount": "29.75", "currency": "EUR"}))
        self.assertNotIn("4242424242424242", json.dumps(event))

    def test_retries_are_idempotent_and_reused_keys_conflict(self):
        payments = ledger()
        first = payments.authorize("key-00000001", ORDER, Money("EUR", 2975), VISA_TEST)
        self.assertIs(payments.authorize("key-00000001", ORDER, Money("EUR", 2975), VISA_TEST), first)
        with self.assertRaises(PaymentError) as raised:
            payments.authorize("key-00000001", ORDER, Money("EUR", 1), VISA_TEST)
        self.assertEqual(raised.exception.code, "conflict")

    def test_declines(self):
        cases = [
            ("invalid_card", ORDER, Money("EUR", 100), "4242 4242 4242 4241"),
            ("over_limit", ORDER, Money("EUR", 5_000_01), VISA_TEST),
            ("invalid_amount", ORDER, Money("EUR", 0), VISA_TEST),
            ("invalid_amount", ORDER, Money("JPY", 100), VISA_TEST),
            ("invalid_request", "order-1", Money("EUR", 100), VISA_TEST),
        ]
        for code, order, amount, card in cases:
            with self.subTest(code=code, amount=amount), self.assertRaises(PaymentError) as raised:
                ledger().authorize("key-00000001", order, amount, card)
            self.assertEqual(raised.exception.code, code)

    def test_luhn(self):
        self.assertTrue(luhn_valid("4242424242424242"))
        self.assertTrue(luhn_valid("5555 5555 5555 4444"))
        self.assertFalse(luhn_valid("4242-4242-4242-4242"))
        self.assertFalse(luhn_valid("1234"))


class AppTests(unittest.TestCase):
    def test_authorize_over_the_api(self):
        app = create_app(ledger())
        body = json.dumps({"order_id": ORDER, "amount": "29.75", "currency": "EUR", "card_number": VISA_TEST})
        key = {"Idempotency-Key": "checkout-7f3a9c"}
        self.assertEqual(app.dispatch("POST", "/v1/payments/authorize", body.encode(), key).status, 201)
        self.assertEqual(app.dispatch("POST", "/v1/payments/authorize", body.encode(), key).status, 201)
        self.assertEqual(app.dispatch("POST", "/v1/payments/authorize", body.encode()).status, 400)
        declined = body.replace("4242 4242 4242 4242", "4000 0000 0000 0001")
        self.assertEqual(app.dispatch("POST", "/v1/payments/authorize", declined.encode(),
                                      {"Idempotency-Key": "checkout-other"}).status, 402)
        self.assertIn('payments_total{outcome="authorized"} 2', app.dispatch("GET", "/metrics").body)


if __name__ == "__main__":
    unittest.main()
