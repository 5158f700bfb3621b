import itertools
import json
import unittest

from user_service.app import create_app
from user_service.users import RegistrationError, UserStore, check_password, hash_password, normalize_email


def store():
    counter = itertools.count(1)
    return UserStore(new_id=lambda: f"usr_{next(counter):012x}", iterations=1_000)  # fast hashes in tests


class UserTests(unittest.TestCase):
    def test_registers_a_valid_user(self):
        users = store()
        user = users.register(" Ada.Lovelace@Example.COM ", "Ada", "analytical-engine-1843")
        self.assertEqual(user, {"user_id": "usr_000000000001", "email": "Ada.Lovelace@example.com",
                                "display_name": "Ada", "roles": ["customer"]})
        self.assertEqual(users.authenticate("ada.lovelace@EXAMPLE.com", "analytical-engine-1843"), user)
        self.assertIsNone(users.authenticate("ada.lovelace@example.com", "wrong-password-123"))

    def test_refuses_duplicates_weak_passwords_and_contract_violations(self):
        users = store()
        users.register("ada@example.com", "Ada", "analytical-engine-1843")
        with self.assertRaises(RegistrationError) as raised:
            users.register("ADA@example.com", "", "short")
        self.assertEqual(raised.exception.problems, [
            "email: already registered",
            "password: at least 12 characters",
            "$.display_name: shorter than 1 characters",
        ])
        with self.assertRaises(RegistrationError) as raised:
            users.register("grace@example", "Grace", "grace-hopper-1906")
        self.assertEqual(raised.exception.problems, [
            "password: must not contain the e-mail address", "$.email: not a valid email"])

    def test_password_hashes(self):
        stored = hash_password("correct horse battery", salt=b"\0" * 16, iterations=1_000)
        self.assertTrue(stored.startswith("pbkdf2_sha256$1000$" + "00" * 16 + "$"))
        self.assertTrue(check_password("correct horse battery", stored))
        self.assertFalse(check_password("correct horse battery!", stored))
        self.assertFalse(check_password("anything", "garbage"))
        self.assertEqual(normalize_email("ＡＤＡ@Example.com"), "ADA@example.com")  # NFKC folds full-width letters


class AppTests(unittest.TestCase):
    def test_register_and_read_over_the_api(self):
        app = create_app(store())
        body = json.dumps({"email": "ada@example.com", "display_name": "Ada", "password": "analytical-engine"})
        created = app.dispatch("POST", "/v1/users/", body.encode())
        self.assertEqual(created.status, 201)
        self.assertEqual(app.dispatch("GET", f"/v1/users/{created.body['user_id']}").body, created.body)
        self.assertEqual(app.dispatch("POST", "/v1/users/", body.encode()).status, 422)
        self.assertEqual(app.dispatch("GET", "/v1/users/usr_ffffffffffff").status, 404)
        self.assertEqual(app.dispatch("POST", "/v1/users/", b'{"email": 1}').status, 400)


if __name__ == "__main__":
    unittest.main()
