"""The shop's API and event contracts.

The schemas live in schemas/ as JSON; the build checks them, runs each schema's `examples` through the
validator and bundles them into this package (bundle.json), into dist/contracts.json and into a C header
(dist/include/shop_contracts.h) for the services not written in Python.

    import contracts
    contracts.validate("order.created.v1", event)    # raises contracts.ContractError listing every problem
"""
from __future__ import annotations

import difflib
import functools
import json
from importlib import resources

from contracts.validator import ContractError, check_schema, errors_for

__all__ = ["ContractError", "check_schema", "errors", "errors_for", "event_types", "names", "schema", "validate"]


@functools.cache
def _bundle() -> dict:
    return json.loads(resources.files(__package__).joinpath("bundle.json").read_text(encoding="utf-8"))


def names(kind: str | None = None) -> list[str]:
    """Contract names such as "order.created.v1", sorted; `kind` is "event" or "api"."""
    return sorted(name for name, entry in _bundle()["contracts"].items() if kind in (None, entry["kind"]))


def schema(name: str) -> dict:
    contracts = _bundle()["contracts"]
    if name not in contracts:
        close = difflib.get_close_matches(name, contracts, n=1)
        raise ContractError(name, [f"unknown contract{f'; did you mean {close[0]!r}?' if close else ''}"])
    return contracts[name]["schema"]


def errors(name: str, document: object) -> list[str]:
    return errors_for(schema(name), document)


def validate(name: str, document: object) -> None:
    problems = errors(name, document)
    if problems:
        raise ContractError(name, problems)


def event_types() -> list[str]:
    """The event types the queue carries, e.g. "order.created" (the name without its version)."""
    return sorted({name.rsplit(".", 1)[0] for name in names("event")})
