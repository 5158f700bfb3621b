import unittest

from telemetry import Registry


class MetricsTests(unittest.TestCase):
    def test_renders_the_prometheus_text_format(self):
        registry = Registry()
        orders = registry.counter("orders_total", "Orders placed.", ("currency",))
        orders.inc(currency="EUR")
        orders.inc(2, currency="EUR")
        orders.inc(currency='U"SD')
        latency = registry.histogram("checkout_seconds", "Checkout time.", buckets=(0.1, 1))
        latency.observe(0.05)
        latency.observe(0.5)
        self.assertEqual(registry.render(), "\n".join([
            "# HELP checkout_seconds Checkout time.",
            "# TYPE checkout_seconds histogram",
            'checkout_seconds_bucket{le="0.1"} 1',
            'checkout_seconds_bucket{le="1"} 2',
            'checkout_seconds_bucket{le="+Inf"} 2',
            "checkout_seconds_sum 0.55",
            "checkout_seconds_count 2",
            "# HELP orders_total Orders placed.",
            "# TYPE orders_total counter",
            'orders_total{currency="EUR"} 3',
            'orders_total{currency="U\\"SD"} 1',
        ]) + "\n")

    def test_rejects_misuse(self):
        registry = Registry()
        counter = registry.counter("jobs_total", "Jobs.", ("queue",))
        with self.assertRaises(ValueError):
            counter.inc(-1, queue="a")
        with self.assertRaises(ValueError):
            counter.inc(queue="a", extra="b")
        with self.assertRaises(ValueError):
            registry.counter("jobs_total", "Again.")
        with self.assertRaises(ValueError):
            registry.counter("bad-name", "Dashes are not allowed.")


if __name__ == "__main__":
    unittest.main()
