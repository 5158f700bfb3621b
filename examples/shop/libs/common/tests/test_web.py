import json
import threading
import unittest
import urllib.error
import urllib.request

from common import HttpError, JsonApp, Response
from common import web


def make_app():
    app = JsonApp("demo", "1.0.0")

    @app.route("GET", "/items/*")
    def item(request):
        name = request.path.rsplit("/", 1)[1]
        if name == "missing":
            raise HttpError(404, "not_found", "no such item", ["items/missing"])
        return Response(200, {"item": name, "q": request.query})

    @app.route("POST", "/items")
    def create(request):
        return Response(201, request.json_object())

    return app


class JsonAppTests(unittest.TestCase):
    def test_routes_by_method_and_prefix(self):
        app = make_app()
        self.assertEqual(app.dispatch("GET", "/items/a?x=1").body, {"item": "a", "q": {"x": "1"}})
        self.assertEqual(app.dispatch("GET", "/healthz").body["version"], "1.0.0")
        self.assertEqual(app.dispatch("GET", "/nope").status, 404)
        self.assertEqual(app.dispatch("DELETE", "/items").status, 405)

    def test_errors_become_json_bodies(self):
        app = make_app()
        missing = app.dispatch("GET", "/items/missing")
        self.assertEqual((missing.status, missing.body["details"]), (404, ["items/missing"]))
        self.assertEqual(app.dispatch("POST", "/items", b"{not json").status, 400)
        self.assertEqual(app.dispatch("POST", "/items", b"[1]").status, 400)
        self.assertEqual(app.dispatch("POST", "/items", b'{"a": 1}').body, {"a": 1})

    def test_observers_see_every_request(self):
        app, seen = make_app(), []
        app.observers.append(lambda request, response, seconds: seen.append((request.path, response.status)))
        app.dispatch("GET", "/items/a")
        app.dispatch("POST", "/items", b"{bad")
        self.assertEqual(seen, [("/items/a", 200), ("/items", 400)])

    def test_serves_over_real_http(self):
        server = web.make_server(make_app(), "127.0.0.1", 0)  # bound and listening before the thread starts
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
        thread.start()
        try:
            base = f"http://127.0.0.1:{server.server_address[1]}"
            with urllib.request.urlopen(f"{base}/items/b", timeout=10) as reply:
                self.assertEqual((reply.status, json.load(reply)["item"]), (200, "b"))
            with self.assertRaises(urllib.error.HTTPError) as raised:
                urllib.request.urlopen(urllib.request.Request(f"{base}/items", b"{bad", method="POST"), timeout=10)
            self.assertEqual(raised.exception.code, 400)
            raised.exception.close()
        finally:
            server.shutdown()
            server.server_close()
            thread.join()

if __name__ == "__main__":
    unittest.main()
