"""Money as an exact amount of minor units (cents) in one ISO 4217 currency. Never a float."""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

MINOR_UNITS = {"EUR": 2, "USD": 2, "GBP": 2, "CHF": 2, "JPY": 0}
_AMOUNT = re.compile(r"^-?\d+(\.\d+)?$")


class MoneyError(ValueError):
    """An amount or currency that cannot be money."""


@dataclass(frozen=True, order=True)
class Money:
    currency: str
    minor: int  # amount in minor units: cents for EUR, yen for JPY

    def __post_init__(self) -> None:
        if self.currency not in MINOR_UNITS:
            raise MoneyError(f"unsupported currency {self.currency!r}")
        if not isinstance(self.minor, int) or isinstance(self.minor, bool):
            raise MoneyError(f"minor units must be an integer, got {self.minor!r}")

    @classmethod
    def parse(cls, amount: str, currency: str) -> Money:
        """`Money.parse("12.30", "EUR")`; rejects more decimals than the currency has."""
        if not isinstance(amount, str) or not _AMOUNT.match(amount):
            raise MoneyError(f"not an amount: {amount!r}")
        exponent = MINOR_UNITS.get(currency)
        if exponent is None:
            raise MoneyError(f"unsupported currency {currency!r}")
        decimals = len(amount.partition(".")[2])
        if decimals > exponent:
            raise MoneyError(f"{amount} {currency}: at most {exponent} decimals")
        return cls(currency, int(Decimal(amount).scaleb(exponent)))

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(currency, 0)

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.currency, self.minor + other.minor)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.currency, self.minor - other.minor)

    def times(self, factor: int | str | Decimal) -> Money:
        """Multiplies by a quantity or a rate ("0.19"), rounding half to even (banker's rounding)."""
        try:
            product = Decimal(self.minor) * Decimal(factor)
        except InvalidOperation:
            raise MoneyError(f"not a factor: {factor!r}") from None
        return Money(self.currency, int(product.quantize(Decimal(1), rounding=ROUND_HALF_EVEN)))

    def allocate(self, parts: int) -> list[Money]:
        """Splits into `parts` amounts that differ by at most one minor unit and add up exactly."""
        if parts < 1:
            raise MoneyError("allocate needs at least one part")
        base, remainder = divmod(self.minor, parts)
        return [Money(self.currency, base + (1 if i < remainder else 0)) for i in range(parts)]

    def format(self) -> str:
        exponent = MINOR_UNITS[self.currency]
        return f"{Decimal(self.minor).scaleb(-exponent):.{exponent}f} {self.currency}"

    def to_json(self) -> dict:
        return {"amount": self.format().split(" ")[0], "currency": self.currency}

    def _same_currency(self, other: Money) -> None:
        if not isinstance(other, Money) or other.currency != self.currency:
            raise MoneyError(f"cannot combine {self.currency} with {getattr(other, 'currency', other)!r}")
