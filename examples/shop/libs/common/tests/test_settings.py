import unittest

from common import Settings, SettingsError


class SettingsTests(unittest.TestCase):
    def test_reads_prefixed_typed_values(self):
        settings = Settings("orders", {"ORDERS_PORT": "9000", "ORDERS_DEBUG": "yes", "ORDERS_FLAGS": "a, b,,c"})
        self.assertEqual(settings.integer("PORT", default=8080), 9000)
        self.assertTrue(settings.boolean("DEBUG", default=False))
        self.assertEqual(settings.words("FLAGS"), ["a", "b", "c"])
        self.assertEqual(settings.string("REGION", default="eu-west-1"), "eu-west-1")
        settings.check()

    def test_reports_every_problem_at_once(self):
        settings = Settings("AUTH", {"AUTH_TTL": "soon", "AUTH_DEBUG": "maybe", "AUTH_WORKERS": "0"})
        settings.string("SIGNING_KEY")
        settings.integer("TTL", default=60)
        settings.boolean("DEBUG", default=False)
        settings.integer("WORKERS", default=4, minimum=1)
        with self.assertRaises(SettingsError) as raised:
            settings.check()
        self.assertEqual(raised.exception.problems, [
            "AUTH_SIGNING_KEY is required",
            "AUTH_TTL='soon' is not an integer",
            "AUTH_DEBUG='maybe' is not a boolean (true/false)",
            "AUTH_WORKERS=0 is below the minimum 1",
        ])


if __name__ == "__main__":
    unittest.main()
