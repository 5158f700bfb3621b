import itertools
import json
import unittest
from datetime import datetime, timezone

import contracts
from common import Money
from order_service.app import create_app
from order_service.orders import OrderError, place

REQUEST = {"customer_id": "usr_0a1b2c3d4e5f", "currency": "EUR",
           "lines": [{"sku": "MUG-BLUE-350", "quantity": 2}, {"sku": "SOCKS-3PK", "quantity": 1}]}


def ids():
    counter = itertools.count(1)
    return lambda prefix: f"{prefix}_{next(counter):0{16 if prefix == 'evt' else 12}x}"


class PlaceTests(unittest.TestCase):
    def test_prices_the_order_and_builds_a_valid_event(self):
        order, event = place(REQUEST, ids(), lambda: datetime(2024, 11, 5, 9, 14, 2, tzinfo=timezone.utc))
        self.assertEqual(order.total, Money("EUR", 2 * 1250 + 999))
        self.assertEqual(event["total"], {"amount": "34.99", "currency": "EUR"})
        self.assertEqual((event["order_id"], event["event_id"]), ("ord_000000000001", "evt_0000000000000002"))
        self.assertEqual(event["occurred_at"], "2024-11-05T09:14:02Z")
        contracts.validate("order.created.v1", event)

    def test_converts_prices_exactly(self):
        order, _ = place(dict(REQUEST, currency="USD", lines=[{"sku": "SOCKS-3PK", "quantity": 3}]), ids())
        self.assertEqual(order.total, Money("USD", 3 * 1079))  # 9.99 EUR * 1.08 = 10.7892 -> 10.79 USD

    def test_refuses_bad_requests(self):
        with self.assertRaises(OrderError) as raised:
            place(dict(REQUEST, lines=[{"sku": "GHOST-1", "quantity": 1}]), ids())
        self.assertEqual(raised.exception.problems, ["unknown sku GHOST-1"])
        with self.assertRaises(OrderError) as raised:
            place({"customer_id": "nobody", "currency": "EUR", "lines": []}, ids())
        self.assertEqual(len(raised.exception.problems), 2)


class AppTests(unittest.TestCase):
    def test_lifecycle_over_the_api(self):
        published = []
        app = create_app(published.append)
        created = app.dispatch("POST", "/v1/orders", json.dumps(REQUEST).encode())
        self.assertEqual((created.status, created.body["state"]), (201, "pending"))
        order_id = created.body["order_id"]
        self.assertEqual(published[0]["order_id"], order_id)
        self.assertEqual(app.dispatch("POST", f"/v1/orders/{order_id}/paid").body["state"], "paid")
        self.assertEqual(app.dispatch("POST", f"/v1/orders/{order_id}/shipped").body["history"],
                         ["pending", "paid", "shipped"])
        self.assertEqual(app.dispatch("POST", f"/v1/orders/{order_id}/cancelled").status, 409)
        self.assertEqual(app.dispatch("GET", "/v1/orders/ord_ffffffffffff").status, 404)
        self.assertEqual(app.dispatch("POST", "/v1/orders", b'{"currency": "EUR"}').status, 422)
        self.assertIn('orders_placed_total{currency="EUR"} 1', app.dispatch("GET", "/metrics").body)


if __name__ == "__main__":
    unittest.main()
