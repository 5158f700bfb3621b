import unittest

from common import Money, MoneyError


class MoneyTests(unittest.TestCase):
    def test_parse_and_format_round_trip(self):
        self.assertEqual(Money.parse("12.30", "EUR"), Money("EUR", 1230))
        self.assertEqual(Money.parse("7", "JPY").format(), "7 JPY")
        self.assertEqual(Money("EUR", -5).format(), "-0.05 EUR")

    def test_rejects_what_is_not_money(self):
        for amount, currency in [("1.234", "EUR"), ("1e3", "EUR"), ("", "EUR"), ("1.5", "JPY"), ("1", "XXX")]:
            with self.subTest(amount=amount, currency=currency), self.assertRaises(MoneyError):
                Money.parse(amount, currency)
        with self.assertRaises(MoneyError):
            Money("EUR", 1.5)

    def test_arithmetic_needs_one_currency(self):
        self.assertEqual(Money("EUR", 100) + Money("EUR", 250), Money("EUR", 350))
        with self.assertRaises(MoneyError):
            Money("EUR", 1) + Money("USD", 1)

    def test_rates_round_half_to_even(self):
        self.assertEqual(Money("EUR", 250).times("0.19"), Money("EUR", 48))  # 47.5 -> 48
        self.assertEqual(Money("EUR", 150).times("0.19"), Money("EUR", 28))  # 28.5 -> 28
        self.assertEqual(Money("EUR", 999).times(3), Money("EUR", 2997))

    def test_allocation_adds_up_exactly(self):
        parts = Money("EUR", 1000).allocate(3)
        self.assertEqual([p.minor for p in parts], [334, 333, 333])
        self.assertEqual(sum(p.minor for p in parts), 1000)


if __name__ == "__main__":
    unittest.main()
