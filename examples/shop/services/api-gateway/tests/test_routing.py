import json
import unittest
from pathlib import Path

from api_gateway.routing import RouteTable, RouteTableError

ROUTES = Path(__file__).resolve().parents[3] / "config" / "gateway" / "routes.json"


class RouteTableTests(unittest.TestCase):
    def test_the_platform_route_table_is_valid(self):
        table = RouteTable.from_json(json.loads(ROUTES.read_text()))
        self.assertEqual(table.match("/v1/orders/ord_8c1d9e2f3a4b").upstream, "order-service")
        self.assertEqual(table.match("/v1/orders").upstream, "order-service")
        self.assertIsNone(table.match("/v1/ordersx"))
        self.assertIsNone(table.match("/v2/orders"))

    def test_longest_prefix_wins(self):
        table = RouteTable.from_json({"upstream_url": "http://{upstream}", "routes": [
            {"prefix": "/v1/users/", "upstream": "user-service"},
            {"prefix": "/v1/users/me/orders/", "upstream": "order-service"},
        ]})
        self.assertEqual(table.match("/v1/users/me/orders/1").upstream, "order-service")
        self.assertEqual(table.match("/v1/users/me").upstream, "user-service")
        route = table.match("/v1/users/me")
        self.assertEqual(table.url_for(route, "/v1/users/me"), "http://user-service/v1/users/me")

    def test_reports_every_fault(self):
        with self.assertRaises(RouteTableError) as raised:
            RouteTable.from_json({"upstream_url": "http://fixed", "routes": [
                {"prefix": "/v1/a/", "upstream": "A", "methods": ["FETCH"]},
                {"prefix": "/v1/a/", "upstream": "a", "rate_limit_per_minute": 0, "retries": 3},
                {"prefix": "/admin/", "upstream": "a"},
            ]})
        self.assertEqual(raised.exception.problems, [
            "upstream_url must contain {upstream}",
            "routes[0]: upstream must be a service name",
            "routes[0]: methods must be a non-empty list of DELETE, GET, POST, PUT",
            "routes[1]: unknown key 'retries'",
            "routes[1]: prefix /v1/a/ is routed twice",
            "routes[1]: rate_limit_per_minute must be a positive integer",
            "routes[2]: prefix must start with /v1/",
        ])


if __name__ == "__main__":
    unittest.main()
