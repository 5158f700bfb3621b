import importlib.util
import json
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("build_contracts", HERE / "build_contracts.py")
build_contracts = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build_contracts)

VALID = {
    "$id": "https://contracts.acme.dev/events/cart.abandoned.v1.json", "title": "CartAbandoned",
    "x-queue": "carts", "type": "object", "required": ["cart_id"],
    "properties": {"cart_id": {"type": "string", "pattern": "^crt_"}},
    "examples": [{"cart_id": "crt_1"}],
}


class BuildContractsTests(unittest.TestCase):
    def load(self, files):
        return build_contracts.check_schemas(sorted(
            (f"schemas/{name}", content if isinstance(content, str) else json.dumps(content))
            for name, content in files.items()))

    def test_the_real_schemas_pass(self):
        contracts, problems = build_contracts.load_schemas(HERE / "schemas")
        self.assertEqual((problems, len(contracts)), ([], len(list((HERE / "schemas").glob("*/*.json")))))

    def test_accepts_a_valid_contract(self):
        contracts, problems = self.load({"events/cart.abandoned.v1.json": VALID})
        self.assertEqual((list(contracts), problems), (["cart.abandoned.v1"], []))

    def test_rejects_broken_contracts_with_locations(self):
        bad_example = dict(VALID, examples=[{"cart_id": "c-1"}])
        no_queue = {key: value for key, value in VALID.items() if key != "x-queue"}
        _, problems = self.load({
            "events/cart.abandoned.v1.json": bad_example,
            "events/cart.emptied.v1.json": dict(no_queue, **{"$id": VALID["$id"].replace("abandoned", "emptied")}),
            "events/broken.v1.json": '{"title": "Broken",\n  "type": }',
            "api/Cart.json": VALID,
        })
        self.assertEqual(problems, [
            "schemas/api/Cart.json:1:1: error: the file name must be <name>.v<N>.json, e.g. order.created.v1.json",
            "schemas/events/broken.v1.json:2:11: error: Expecting value",
            "schemas/events/cart.abandoned.v1.json:1:1: error: examples[0]: $.cart_id: does not match ^crt_",
            "schemas/events/cart.emptied.v1.json:1:1: error: an event contract names its queue in x-queue (lower case)",
        ])

    def test_the_header_lists_the_newest_version_of_each_event(self):
        v2 = dict(VALID, **{"$id": VALID["$id"].replace("v1", "v2"), "x-queue": "carts-v2"})
        contracts, problems = self.load({"events/cart.abandoned.v1.json": VALID, "events/cart.abandoned.v2.json": v2})
        self.assertEqual(problems, [])
        header = build_contracts.c_header(contracts, "9.9.9")
        self.assertIn('{"cart.abandoned", 2, "carts-v2"},', header)
        self.assertIn("#define SHOP_EVENT_TYPE_COUNT 1", header)


if __name__ == "__main__":
    unittest.main()
