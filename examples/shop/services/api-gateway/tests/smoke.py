#!/usr/bin/env python3
"""The smoke action of api-gateway (cache: false): starts the built zipapp on a free local port, sends it a few
real HTTP requests, and stops it. Needs no network beyond the loopback interface; gives up after 20 seconds."""
from __future__ import annotations

import json
import selectors
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.dont_write_bytecode = True
DIST = Path("dist")
DEADLINE = 20.0


def wait_for_address(process: subprocess.Popen, deadline: float) -> str:
    """The base URL from the server's `listening on` line."""
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the gateway exited with status {process.returncode} before listening")
        if selector.select(timeout=0.1):
            line = process.stdout.readline()
            if " listening on " in line:
                return line.rsplit(" ", 1)[1].strip()
    raise RuntimeError("the gateway did not start listening in time")


def call(base: str, method: str, path: str, body: object = None, token: bool = False) -> tuple[int, object]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data, method=method)
    if token:
        request.add_header("Authorization", "Bearer smoke-test")
    try:
        with urllib.request.urlopen(request, timeout=5) as reply:
            status, payload, kind = reply.status, reply.read(), reply.headers.get_content_type()
    except urllib.error.HTTPError as error:
        status, payload, kind = error.code, error.read(), error.headers.get_content_type()
        error.close()
    return status, json.loads(payload) if kind == "application/json" else payload.decode()


def main() -> int:
    manifest = json.loads((DIST / "manifest.json").read_text())
    command = [sys.executable, str(DIST / manifest["artefact"]), "serve", "--port", "0"]
    deadline = time.monotonic() + DEADLINE
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    failures = []

    def expect(what: str, actual: object, expected: object) -> None:
        print(f"smoke: {'ok  ' if actual == expected else 'FAIL'} {what}: {actual!r}")
        if actual != expected:
            failures.append(f"{what}: expected {expected!r}")

    try:
        base = wait_for_address(process, deadline)
        status, health = call(base, "GET", "/healthz")
        expect("GET /healthz", (status, health.get("version")), (200, manifest["version"]))
        status, info = call(base, "GET", "/v1/gateway/info")
        if "maintenance-mode" in info.get("flags", []):
            expect("GET /v1/orders in maintenance", call(base, "GET", "/v1/orders", token=True)[0], 503)
        else:
            expect("GET /v1/orders without a token", call(base, "GET", "/v1/orders")[0], 401)
            order = {"customer_id": "usr_0a1b2c3d4e5f", "currency": "EUR", "lines": [{"sku": "MUG", "quantity": 1}]}
            status, body = call(base, "POST", "/v1/orders", dict(order, currency="BTC"), token=True)
            expect("POST /v1/orders breaking the contract", (status, body.get("error")), (400, "contract_violation"))
            status, body = call(base, "POST", "/v1/orders", order, token=True)
            expect("POST /v1/orders", (status, body.get("upstream")), (503, "order-service"))
        status, metrics = call(base, "GET", "/metrics")
        expect("GET /metrics counts requests", (status, "http_requests_total{" in metrics), (200, True))
    except (RuntimeError, OSError, ValueError) as error:
        failures.append(str(error))
        print(f"smoke: FAIL {error}")
    finally:
        process.terminate()
        try:
            process.wait(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            failures.append("the gateway ignored SIGTERM")
        process.stdout.close()
    if process.returncode not in (0, -15) and not failures:
        failures.append(f"the gateway exited with status {process.returncode}")
    print(f"smoke: {'FAILED' if failures else 'passed'} ({len(failures)} failure(s))")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
