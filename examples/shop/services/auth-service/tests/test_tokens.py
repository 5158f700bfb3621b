import json
import unittest

import contracts
from auth_service import tokens
from auth_service.app import create_app

KEY = b"k" * 32  # tests build their key; real keys come from AUTH_SIGNING_KEY
USER = {"user_id": "usr_0a1b2c3d4e5f", "email": "ada@example.com", "display_name": "Ada",
        "roles": ["support", "customer"]}


class TokenTests(unittest.TestCase):
    def test_round_trip(self):
        token = tokens.issue(USER, KEY, now=1_700_000_000, ttl_seconds=60)
        claims = tokens.verify(token, KEY, now=1_700_000_030)
        self.assertEqual(claims, {"sub": "usr_0a1b2c3d4e5f", "email": "ada@example.com",
                                  "roles": ["customer", "support"], "iat": 1_700_000_000, "exp": 1_700_000_060})

    def test_rejects_forged_expired_and_malformed_tokens(self):
        token = tokens.issue(USER, KEY, now=1_700_000_000, ttl_seconds=60)
        header, claims, signature = token.split(".")
        forged = tokens._b64(json.dumps({"sub": "usr_0a1b2c3d4e5f", "roles": ["admin"], "exp": 2**40}).encode())
        cases = {
            "bad signature": [f"{header}.{forged}.{signature}", tokens.issue(USER, b"x" * 32, 1_700_000_000)],
            "expired": [token],
            "a token has three dot-separated parts": ["abc", f"{token}.x"],
        }
        for message, bad_tokens in cases.items():
            for bad in bad_tokens:
                with self.subTest(message=message), self.assertRaisesRegex(tokens.TokenError, message):
                    tokens.verify(bad, KEY, now=1_700_000_100)

    def test_refuses_short_keys_and_invalid_users(self):
        with self.assertRaises(tokens.TokenError):
            tokens.issue(USER, b"short", now=0)
        with self.assertRaises(contracts.ContractError):
            tokens.issue(dict(USER, roles=[]), KEY, now=0)


class AppTests(unittest.TestCase):
    def test_issue_then_verify_over_the_api(self):
        app = create_app(KEY, ttl_seconds=300, clock=lambda: 1_700_000_000)
        issued = app.dispatch("POST", "/v1/auth/token", json.dumps(USER).encode())
        self.assertEqual((issued.status, issued.body["expires_in"]), (201, 300))
        body = json.dumps({"token": issued.body["access_token"]}).encode()
        self.assertEqual(app.dispatch("POST", "/v1/auth/verify", body).body["claims"]["sub"], USER["user_id"])
        self.assertEqual(app.dispatch("POST", "/v1/auth/verify", b'{"token": "a.b.c"}').status, 401)
        self.assertEqual(app.dispatch("POST", "/v1/auth/verify", b'{"token": "a.b"}').status, 401)
        self.assertEqual(app.dispatch("POST", "/v1/auth/token", b'{"user_id": "x"}').status, 400)
        self.assertIn('auth_tokens_rejected_total{reason="malformed"} 2', app.dispatch("GET", "/metrics").body)


if __name__ == "__main__":
    unittest.main()
