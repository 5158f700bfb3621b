"""Typed settings read from environment variables, with every problem reported at once."""
from __future__ import annotations

import os
from collections.abc import Mapping


class SettingsError(ValueError):
    """One or more settings are missing or malformed; `problems` lists each of them."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class Settings:
    """Reads `PREFIX_NAME` variables: `Settings("ORDERS").integer("PORT", default=8080)` reads ORDERS_PORT.
    Collects problems instead of failing on the first; call `check()` once everything is read."""

    def __init__(self, prefix: str, environ: Mapping[str, str] | None = None) -> None:
        self.prefix = prefix.upper().rstrip("_") + "_" if prefix else ""
        self.environ = os.environ if environ is None else environ
        self.problems: list[str] = []

    def _raw(self, name: str, default: str | None) -> str | None:
        value = self.environ.get(self.prefix + name)
        if value is None or value == "":
            if default is None:
                self.problems.append(f"{self.prefix}{name} is required")
            return default
        return value

    def string(self, name: str, default: str | None = None) -> str:
        return self._raw(name, default) or ""

    def integer(self, name: str, default: int | None = None, minimum: int | None = None) -> int:
        raw = self._raw(name, None if default is None else str(default))
        if raw is None:
            return 0
        try:
            value = int(raw)
        except ValueError:
            self.problems.append(f"{self.prefix}{name}={raw!r} is not an integer")
            return default or 0
        if minimum is not None and value < minimum:
            self.problems.append(f"{self.prefix}{name}={value} is below the minimum {minimum}")
        return value

    def boolean(self, name: str, default: bool | None = None) -> bool:
        raw = self._raw(name, None if default is None else ("true" if default else "false"))
        if raw is None:
            return False
        lowered = raw.lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off"):
            return False
        self.problems.append(f"{self.prefix}{name}={raw!r} is not a boolean (true/false)")
        return bool(default)

    def words(self, name: str, default: str = "") -> list[str]:
        """A comma-separated list, e.g. FEATURE_FLAGS=new-checkout,fast-search; blanks are dropped."""
        raw = self._raw(name, default) or ""
        return [word.strip() for word in raw.split(",") if word.strip()]

    def check(self) -> None:
        """Raises SettingsError listing every problem found so far."""
        if self.problems:
            raise SettingsError(list(self.problems))
