"""Registration: normalised e-mail addresses, PBKDF2 password hashes, user.v1 documents."""
from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata
from collections.abc import Callable

import contracts

PBKDF2_ITERATIONS = 600_000  # OWASP's 2023 figure for PBKDF2-HMAC-SHA256


class RegistrationError(ValueError):
    """Why a registration was refused; `problems` lists each reason."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def normalize_email(email: str) -> str:
    """NFKC, trimmed, lower-cased domain; the local part keeps its case (RFC 5321 says it may matter)."""
    local, at, domain = unicodedata.normalize("NFKC", email).strip().rpartition("@")
    return f"{local}{at}{domain.lower()}" if at else email.strip()


def hash_password(password: str, salt: bytes | None = None, iterations: int = PBKDF2_ITERATIONS) -> str:
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    return f"pbkdf2_sha256${iterations}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    try:
        scheme, iterations, salt, digest = stored.split("$")
        candidate = hashlib.pbkdf2_hmac("sha256", password.encode(), bytes.fromhex(salt), int(iterations))
    except ValueError:
        return False
    return scheme == "pbkdf2_sha256" and hmac.compare_digest(candidate.hex(), digest)


class UserStore:
    """Users in memory, keyed by id; e-mail addresses are unique case-insensitively."""

    def __init__(self, new_id: Callable[[], str] = lambda: "usr_" + secrets.token_hex(6),
                 iterations: int = PBKDF2_ITERATIONS) -> None:
        self.users: dict[str, dict] = {}
        self.passwords: dict[str, str] = {}
        self.new_id, self.iterations = new_id, iterations

    def register(self, email: str, display_name: str, password: str) -> dict:
        problems = []
        email = normalize_email(email)
        if any(user["email"].lower() == email.lower() for user in self.users.values()):
            problems.append("email: already registered")
        if len(password) < 12:
            problems.append("password: at least 12 characters")
        elif password.lower() in email.lower() or email.split("@")[0].lower() in password.lower():
            problems.append("password: must not contain the e-mail address")
        user = {"user_id": self.new_id(), "email": email, "display_name": display_name.strip(), "roles": ["customer"]}
        problems += contracts.errors("user.v1", user)
        if problems:
            raise RegistrationError(problems)
        self.users[user["user_id"]] = user
        self.passwords[user["user_id"]] = hash_password(password, iterations=self.iterations)
        return user

    def authenticate(self, email: str, password: str) -> dict | None:
        email = normalize_email(email).lower()
        for user in self.users.values():
            if user["email"].lower() == email:
                return user if check_password(password, self.passwords[user["user_id"]]) else None
        return None
