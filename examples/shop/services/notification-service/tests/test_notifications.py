import io
import json
import subprocess
import sys
import unittest
from pathlib import Path

from notification_service.app import consume
from notification_service.templates import RenderError, render
from telemetry import JsonLogger, Registry

EVENT = {"event_id": "evt_0011223344556677", "occurred_at": "2024-11-05T09:14:06Z", "channel": "email",
         "recipient": "ada@example.com", "template": "order_confirmation",
         "data": {"order_id": "ord_8c1d9e2f3a4b", "total": "29.75 EUR"}}
PYZ = Path(__file__).resolve().parent.parent / "dist" / "notification-service.pyz"


class RenderTests(unittest.TestCase):
    def test_email_and_sms(self):
        self.assertEqual(render("payment_receipt", "email", {"order_id": "ord_1", "total": "5.00 EUR"}),
                         {"subject": "Payment received for ord_1", "body": "We charged 5.00 EUR for order ord_1."})
        sms = render("password_reset", "sms", {"reset_url": "https://shop.example/r/" + "x" * 200})
        self.assertEqual(len(sms["body"]), 160)
        self.assertTrue(sms["body"].endswith("…"))

    def test_missing_data_and_unknown_templates(self):
        with self.assertRaisesRegex(RenderError, "needs 'total'"):
            render("order_confirmation", "email", {"order_id": "ord_1"})
        with self.assertRaises(RenderError):
            render("newsletter", "email", {})


class ConsumerTests(unittest.TestCase):
    def test_a_poison_message_is_counted_not_fatal(self):
        events = [json.dumps(EVENT), "{not json", json.dumps(dict(EVENT, channel="pigeon")), "",
                  json.dumps(dict(EVENT, channel="sms", event_id="evt_8899aabbccddeeff"))]
        out, log, registry = io.StringIO(), io.StringIO(), Registry()
        counts = consume(io.StringIO("\n".join(events)), out, JsonLogger("n", log, environ={}), registry)
        self.assertEqual(counts, (2, 2))
        self.assertEqual([json.loads(line)["channel"] for line in out.getvalue().splitlines()], ["email", "sms"])
        self.assertEqual([json.loads(line)["line"] for line in log.getvalue().splitlines()], [2, 3])
        self.assertIn('notifications_total{outcome="rejected"} 2', registry.render())

    def test_the_zipapp_runs_with_common_bundled_through_telemetry(self):
        result = subprocess.run([sys.executable, "-B", str(PYZ), "render"], input=json.dumps(EVENT) + "\n",
                                capture_output=True, text=True, timeout=60)
        self.assertEqual((result.returncode, result.stderr), (0, ""))
        self.assertEqual(json.loads(result.stdout)["subject"], "Your order ord_8c1d9e2f3a4b")


if __name__ == "__main__":
    unittest.main()
