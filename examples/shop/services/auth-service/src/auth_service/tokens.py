"""HS256 JSON Web Tokens with the standard library: hmac, hashlib, base64. The key is never in the code:
it comes from AUTH_SIGNING_KEY at run time (fleetscan fails the scan on a hard-coded one)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json

import contracts

HEADER = {"alg": "HS256", "typ": "JWT"}
MIN_KEY_BYTES = 32


class TokenError(ValueError):
    """A token that must not be trusted. `reason` is a short code for metrics (malformed, signature, header,
    expired, key); the message says more (log it, never echo it to clients)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError):
        raise TokenError("malformed", "malformed base64") from None


def _encode(document: dict) -> str:
    return _b64(json.dumps(document, separators=(",", ":"), sort_keys=True).encode())


def check_key(key: bytes) -> bytes:
    if len(key) < MIN_KEY_BYTES:
        raise TokenError("key", f"the signing key must have at least {MIN_KEY_BYTES} bytes")
    return key


def issue(user: dict, key: bytes, now: int, ttl_seconds: int = 900) -> str:
    """A token for `user` (a user.v1 document) valid for `ttl_seconds` from `now`."""
    contracts.validate("user.v1", user)
    claims = {"sub": user["user_id"], "email": user["email"], "roles": sorted(user["roles"]),
              "iat": now, "exp": now + ttl_seconds}
    signing_input = f"{_encode(HEADER)}.{_encode(claims)}"
    signature = hmac.new(check_key(key), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


def verify(token: str, key: bytes, now: int, leeway_seconds: int = 30) -> dict:
    """The claims of `token` if its signature is ours and it has not expired; TokenError otherwise."""
    parts = token.split(".")
    if len(parts) != 3:
        raise TokenError("malformed", "a token has three dot-separated parts")
    expected = hmac.new(check_key(key), f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256).digest()
    if not hmac.compare_digest(expected, _unb64(parts[2])):
        raise TokenError("signature", "bad signature")
    try:
        header, claims = json.loads(_unb64(parts[0])), json.loads(_unb64(parts[1]))
    except ValueError:
        raise TokenError("malformed", "malformed JSON") from None
    if header != HEADER:
        raise TokenError("header", "unsupported token header")
    if not isinstance(claims.get("exp"), int) or claims["exp"] + leeway_seconds < now:
        raise TokenError("expired", "expired")
    return claims
