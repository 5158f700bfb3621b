import io
import json
import unittest

from common import HttpError, JsonApp, SettingsError
from telemetry import JsonLogger, instrument


class InstrumentTests(unittest.TestCase):
    def test_counts_requests_and_serves_metrics(self):
        app = JsonApp("orders", "2.0.0")

        @app.route("GET", "/boom")
        def boom(request):
            raise HttpError(503, "unavailable", "down for maintenance")

        stream = io.StringIO()
        instrument(app, logger=JsonLogger("orders", stream, environ={}, clock=lambda: 1700000000.0))
        app.dispatch("GET", "/healthz")
        app.dispatch("GET", "/boom")
        metrics = app.dispatch("GET", "/metrics")
        self.assertEqual(metrics.status, 200)
        self.assertIn('http_requests_total{method="GET",status="200"} 1', metrics.body)
        self.assertIn('http_requests_total{method="GET",status="503"} 1', metrics.body)
        self.assertIn('http_request_duration_seconds_count{method="GET"} 2', metrics.body)
        self.assertEqual(json.loads(stream.getvalue()), {
            "event": "http.request.failed", "level": "error", "method": "GET", "path": "/boom",
            "service": "orders", "status": 503, "ts": 1700000000.0,
        })

    def test_log_level_comes_from_the_environment(self):
        stream = io.StringIO()
        logger = JsonLogger("auth", stream, environ={"LOG_LEVEL": "warning"})
        logger.info("ignored")
        logger.warning("kept", user="u-1")
        self.assertEqual([json.loads(line)["event"] for line in stream.getvalue().splitlines()], ["kept"])
        with self.assertRaises(SettingsError):
            JsonLogger("auth", stream, environ={"LOG_LEVEL": "loud"})


if __name__ == "__main__":
    unittest.main()
