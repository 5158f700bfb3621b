"""Core library of the shop services (stdlib only)."""
from common.buildinfo import build_info
from common.money import Money, MoneyError
from common.settings import Settings, SettingsError
from common.web import HttpError, JsonApp, Request, Response

__all__ = [
    "HttpError", "JsonApp", "Money", "MoneyError", "Request", "Response", "Settings", "SettingsError", "build_info",
]
