import json
import unittest
from pathlib import Path

import contracts
from contracts import ContractError

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


def order_event(**changes):
    event = {
        "event_id": "evt_5f1c2a9b7d3e4f60", "occurred_at": "2024-11-05T09:14:02Z",
        "order_id": "ord_8c1d9e2f3a4b", "customer_id": "usr_0a1b2c3d4e5f",
        "lines": [{"sku": "MUG-BLUE-350", "quantity": 2, "unit_price": {"amount": "12.50", "currency": "EUR"}}],
        "total": {"amount": "25.00", "currency": "EUR"},
    }
    event.update(changes)
    return event


class BundleTests(unittest.TestCase):
    def test_the_bundle_holds_every_schema_file(self):
        on_disk = sorted(path.name.removesuffix(".json") for path in SCHEMAS.glob("*/*.json"))
        self.assertEqual(contracts.names(), on_disk)
        self.assertEqual(contracts.event_types(), ["notification.requested", "order.created", "payment.authorized"])
        self.assertEqual(contracts.names("api"), ["order-request.v1", "user.v1"])

    def test_every_example_is_valid(self):
        for name in contracts.names():
            for example in contracts.schema(name)["examples"]:
                with self.subTest(contract=name):
                    contracts.validate(name, example)

    def test_the_bundled_schemas_are_the_sources(self):
        for path in SCHEMAS.glob("*/*.json"):
            with self.subTest(schema=path.name):
                self.assertEqual(contracts.schema(path.name.removesuffix(".json")), json.loads(path.read_text()))


class ValidationTests(unittest.TestCase):
    def test_reports_every_problem_with_its_path(self):
        event = order_event(order_id="42", lines=[{"sku": "mug", "quantity": 0, "unit_price": {"amount": "1.5"}}])
        event["coupon"] = "FREE"
        del event["total"]
        with self.assertRaises(ContractError) as raised:
            contracts.validate("order.created.v1", event)
        self.assertEqual(raised.exception.errors, [
            "$: missing required property 'total'",
            "$: unexpected property 'coupon'",
            "$.lines[0].quantity: below the minimum 1",
            "$.lines[0].sku: does not match ^[A-Z0-9-]{3,32}$",
            "$.lines[0].unit_price: missing required property 'currency'",
            "$.order_id: does not match ^ord_[0-9a-f]{12}$",
        ])

    def test_types_formats_and_enums(self):
        self.assertEqual(contracts.errors("user.v1", {
            "user_id": "usr_0a1b2c3d4e5f", "email": "not-an-email", "display_name": "", "roles": ["root"],
        }), [
            "$.display_name: shorter than 1 characters",
            "$.email: not a valid email",
            "$.roles[0]: must be one of 'admin', 'customer', 'support'",
        ])
        self.assertEqual(contracts.errors("order-request.v1", []), ["$: expected object, got list"])
        self.assertEqual(contracts.errors("order.created.v1", order_event(lines=[])),
                         ["$.lines: needs at least 1 items"])
        line = {"sku": "ABC", "quantity": True, "unit_price": {"amount": "1", "currency": "EUR"}}
        self.assertEqual(contracts.errors("order.created.v1", order_event(lines=[line])),
                         ["$.lines[0].quantity: expected integer, got bool"])

    def test_unknown_contracts_suggest_a_name(self):
        with self.assertRaises(ContractError) as raised:
            contracts.schema("order.create.v1")
        self.assertIn("did you mean 'order.created.v1'", str(raised.exception))

    def test_schema_checks_reject_unsupported_keywords(self):
        schema = {"type": "object", "oneOf": [], "properties": {"a": {"type": "text"}}}
        self.assertEqual(contracts.check_schema(schema), [
            "$.oneOf: unsupported keyword (supported: $id, $schema, additionalProperties, const, description, enum, "
            "examples, exclusiveMinimum, format, items, maxItems, maxLength, maximum, minItems, minLength, minimum, "
            "pattern, properties, required, title, type)",
            "$.properties.a.type: unknown type 'text'",
        ])


if __name__ == "__main__":
    unittest.main()
