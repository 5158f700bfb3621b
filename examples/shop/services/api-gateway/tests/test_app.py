import json
import os
import unittest
from pathlib import Path

from api_gateway.app import create_app, feature_flags
from common import build_info
from api_gateway.routing import RouteTable

ROUTES = Path(__file__).resolve().parents[3] / "config" / "gateway" / "routes.json"
INFO = {"name": "api-gateway", "version": "0.0.0-test", "libs": {}, "env": {"FEATURE_FLAGS": ""}}
TOKEN = {"Authorization": "Bearer test-token"}
ORDER = {"customer_id": "usr_0a1b2c3d4e5f", "currency": "EUR", "lines": [{"sku": "MUG-BLUE-350", "quantity": 2}]}


def app_with(flags=()):
    table = RouteTable.from_json(json.loads(ROUTES.read_text()))
    return create_app(table, set(flags), INFO)


class BuildTests(unittest.TestCase):
    def test_the_zipapp_carries_the_platform_route_table(self):
        app = create_app()
        info = app.dispatch("GET", "/v1/gateway/info").body
        expected = RouteTable.from_json(json.loads(ROUTES.read_text()))
        self.assertEqual(info["routes"], [route.prefix for route in expected.routes])
        self.assertEqual(sorted(info["libs"]), ["common", "contracts", "telemetry"])

    def test_feature_flags_are_baked_from_the_build_environment(self):
        # FEATURE_FLAGS is an env input of every action of this target, so build and test see the same value.
        self.assertEqual(build_info("api_gateway")["env"]["FEATURE_FLAGS"], os.environ.get("FEATURE_FLAGS", ""))
        feature_flags(build_info("api_gateway"))  # raises on a flag the gateway does not know

    def test_unknown_flags_are_rejected(self):
        with self.assertRaises(ValueError):
            feature_flags({"env": {"FEATURE_FLAGS": "maintenance-mode,new-chekout"}})


class GatewayTests(unittest.TestCase):
    def test_routes_an_authorised_valid_request_to_its_upstream(self):
        response = app_with().dispatch("POST", "/v1/orders", json.dumps(ORDER).encode(), TOKEN)
        self.assertEqual((response.status, response.body["upstream"]), (503, "order-service"))
        self.assertIn(("X-Upstream", "order-service"), response.headers)

    def test_checks_auth_methods_and_contracts(self):
        app = app_with()
        self.assertEqual(app.dispatch("GET", "/v1/orders/ord_8c1d9e2f3a4b").status, 401)
        self.assertEqual(app.dispatch("DELETE", "/v1/orders/ord_8c1d9e2f3a4b", headers=TOKEN).status, 405)
        self.assertEqual(app.dispatch("GET", "/v1/nowhere", headers=TOKEN).status, 404)
        bad = dict(ORDER, lines=[{"sku": "MUG-BLUE-350", "quantity": 0}])
        response = app.dispatch("POST", "/v1/orders", json.dumps(bad).encode(), TOKEN)
        self.assertEqual((response.status, response.body["details"]),
                         (400, ["$.lines[0].quantity: below the minimum 1"]))
        self.assertEqual(app.dispatch("POST", "/v1/auth/login", b'{"user": "ada"}').status, 503)  # auth: false

    def test_maintenance_mode_closes_every_route_but_health(self):
        app = app_with({"maintenance-mode"})
        self.assertEqual(app.dispatch("GET", "/v1/config/dev", headers=TOKEN).body["error"], "maintenance")
        self.assertEqual(app.dispatch("GET", "/healthz").status, 200)

    def test_counts_forwarded_requests(self):
        app = app_with()
        app.dispatch("GET", "/v1/config/dev")
        app.dispatch("GET", "/v1/config/prod")
        self.assertIn('gateway_forwarded_total{upstream="config-service"} 2', app.dispatch("GET", "/metrics").body)


if __name__ == "__main__":
    unittest.main()
