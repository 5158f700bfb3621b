"""Helpers for the synth.py tests: run the generator, git as an independent oracle, read and check fleet.yaml."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

SYNTH = Path(__file__).resolve().parents[1] / "synth.py"

try:  # PyYAML is optional: the brief allows skipping only the PyYAML check without it.
    import yaml
except ImportError:  # pragma: no cover - depends on the machine
    yaml = None


def git_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, LC_ALL="C")
    return env


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=repo, env=git_env(), capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {result.stderr}")
    return result.stdout


def run_synth(out: Path, *args: str, expect: int = 0) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, str(SYNTH), str(out), "-q", *args], capture_output=True, text=True,
                            timeout=300)
    if result.returncode != expect:
        raise AssertionError(f"synth.py exited {result.returncode} (expected {expect}):\n{result.stderr}")
    return result


def generate(out: Path, *args: str) -> dict[str, object]:
    """Runs synth.py and returns its JSON summary (the only thing it prints on stdout)."""
    return json.loads(run_synth(out, *args).stdout)


class TempDirTestCase(unittest.TestCase):
    """A fresh temporary directory per test, removed afterwards."""

    def setUp(self) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="synth-test-")
        self.tmp = Path(self._tmp.name)

    def tearDown(self) -> None:
        self._tmp.cleanup()


# MARK: - Reading fleet.yaml


def load_manifest(text: str) -> dict:
    """fleet.yaml as Python data: with PyYAML when present, else with the block-style subset reader below."""
    if yaml is not None:
        return yaml.safe_load(text)
    return read_subset(text)


def read_subset(text: str) -> dict:
    """Reads the YAML subset synth.py writes: block mappings, flow lists and maps, JSON strings, plain scalars."""
    root: dict = {}
    stack: list[tuple[int, dict]] = [(-1, root)]
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        key, colon, rest = stripped.partition(":")
        if not colon:
            raise ValueError(f"line {number}: expected `key: value`: {raw!r}")
        while stack[-1][0] >= indent:
            stack.pop()
        parent = stack[-1][1]
        if key in parent:
            raise ValueError(f"line {number}: duplicate key {key!r}")
        rest = rest.strip()
        if rest:
            parent[key] = _value(rest)
        else:
            parent[key] = {}
            stack.append((indent, parent[key]))
    return root


def _split_flow(inner: str) -> list[str]:
    items, depth, quoted, escaped, start = [], 0, False, False, 0
    for i, ch in enumerate(inner):
        if quoted:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                quoted = False
        elif ch == '"':
            quoted = True
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == "," and depth == 0:
            items.append(inner[start:i].strip())
            start = i + 1
    if inner[start:].strip():
        items.append(inner[start:].strip())
    return items


def _value(token: str) -> object:
    if token.startswith("["):
        return [_value(item) for item in _split_flow(token[1:-1])]
    if token.startswith("{"):
        result = {}
        for item in _split_flow(token[1:-1]):
            key, _, value = item.partition(":")
            result[key.strip()] = _value(value.strip())
        return result
    if token.startswith('"'):
        return json.loads(token)
    if token == "null":
        return None
    if token in ("true", "false"):
        return token == "true"
    if re.fullmatch(r"-?\d+", token):
        return int(token)
    return token


# MARK: - Checking fleet.yaml against the v1 schema (/work/wt/SCHEMA.md)

TOP_KEYS = {"version", "name", "root", "registry", "globals", "inputs", "defaults", "libs", "services"}
TARGET_KEYS = {"path", "description", "srcs", "deps", "env", "image", "actions"}
ACTION_KEYS = {"run", "inputs", "outputs", "needs", "env", "timeout", "cache"}
NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,62}")
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
DURATION = re.compile(r"(\d+h)?(\d+m)?(\d+s)?")


def check_manifest(manifest: dict, repo: Path) -> list[str]:
    """Every way `manifest` breaks the fleet.yaml v1 schema; [] when it is valid."""
    problems: list[str] = []
    add = problems.append
    if set(manifest) - TOP_KEYS:
        add(f"unknown top-level keys {sorted(set(manifest) - TOP_KEYS)}")
    if manifest.get("version") != 1 or isinstance(manifest.get("version"), bool):
        add("version must be the integer 1")
    root = repo / manifest.get("root", ".")
    sets = manifest.get("inputs") or {}
    for name, patterns in sets.items():
        if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
            add(f"inputs.{name} must be a list of strings")
    for pattern in manifest.get("globals", []):
        if pattern not in sets and not (root / pattern.removeprefix("//")).is_file():
            add(f"global {pattern} does not exist")
    defaults = manifest.get("defaults") or {}
    if set(defaults) - {"srcs", "env", "actions"}:
        add(f"defaults may set srcs, env, actions only: {sorted(defaults)}")
    libs, services = manifest.get("libs") or {}, manifest.get("services") or {}
    if set(libs) & set(services):
        add(f"lib/service name clash: {sorted(set(libs) & set(services))}")
    targets = {**libs, **services}
    defined_actions = set((defaults.get("actions") or {}))
    for target in targets.values():
        defined_actions |= {a for a, v in (target.get("actions") or {}).items() if v is not None}
    for section, group in (("libs", libs), ("services", services)):
        for name, target in group.items():
            where = f"{section}.{name}"
            if not NAME.fullmatch(name):
                add(f"{where}: bad target name")
            if set(target) - TARGET_KEYS:
                add(f"{where}: unknown keys {sorted(set(target) - TARGET_KEYS)}")
            path = target.get("path")
            if not isinstance(path, str) or not (root / path).is_dir() or ".." in Path(path).parts:
                add(f"{where}: path {path!r} missing or outside root")
            deps = target.get("deps", [])
            if len(deps) != len(set(deps)):
                add(f"{where}: duplicate deps")
            for dep in deps:
                if dep not in targets:
                    add(f"{where}: unknown dependency {dep}")
                if dep == name:
                    add(f"{where}: self-dependency")
            for var in target.get("env", defaults.get("env", [])):
                if not ENV_NAME.fullmatch(var):
                    add(f"{where}: bad env var {var}")
            if "image" in target and section == "libs":
                add(f"{where}: image on a lib")
            if set(target.get("image") or {}) - {"name", "registry", "repository"}:
                add(f"{where}: unknown image keys")
            actions = dict(defaults.get("actions") or {})
            for action_name, action in (target.get("actions") or {}).items():
                if action is None:
                    actions.pop(action_name, None)
                else:
                    actions[action_name] = {**(actions.get(action_name) or {}), **action}
            for action_name, action in actions.items():
                if set(action) - ACTION_KEYS:
                    add(f"{where}.{action_name}: unknown keys {sorted(set(action) - ACTION_KEYS)}")
                for need in action.get("needs", []):
                    if need.startswith("^"):
                        if need[1:] not in defined_actions:
                            add(f"{where}.{action_name}: no target defines {need[1:]}")
                    elif need not in actions:
                        add(f"{where}.{action_name}: needs missing action {need}")
                for entry in action.get("inputs", []):
                    if re.fullmatch(r"[A-Za-z][\w-]*", entry) and entry not in sets and entry != "srcs":
                        add(f"{where}.{action_name}: unknown named input set {entry}")
                if "cache" in action and not isinstance(action["cache"], bool):
                    add(f"{where}.{action_name}: cache must be a bool")
                timeout = action.get("timeout")
                if timeout is not None and not (
                    (isinstance(timeout, int) and not isinstance(timeout, bool))
                    or (isinstance(timeout, str) and timeout and DURATION.fullmatch(timeout))
                ):
                    add(f"{where}.{action_name}: bad timeout {timeout!r}")
    cycle = find_cycle({name: t.get("deps", []) for name, t in targets.items()})
    if cycle:
        add("dependency cycle: " + " → ".join(cycle))
    return problems


def find_cycle(graph: dict[str, list[str]]) -> list[str] | None:
    """A dependency cycle as a path `a, b, …, a`, or None. Iterative: graphs have thousands of nodes."""
    state: dict[str, int] = {}
    for start in graph:
        if state.get(start):
            continue
        stack = [(start, iter(graph.get(start, [])))]
        path = [start]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
                path.pop()
            elif state.get(child) == 1:
                return path[path.index(child):] + [child]
            elif not state.get(child):
                state[child] = 1
                stack.append((child, iter(graph.get(child, []))))
                path.append(child)
    return None


def topological(graph: dict[str, list[str]]) -> list[str]:
    order: list[str] = []
    done: set[str] = set()

    def visit(node: str) -> None:
        if node in done:
            return
        for dep in graph[node]:
            visit(dep)
        done.add(node)
        order.append(node)

    for node in graph:
        visit(node)
    return order
