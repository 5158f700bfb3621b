#!/usr/bin/env python3
"""Synthetic fleet generator for fleet's benchmarks.

    python3 bench/synth.py OUT_DIR --services N --libs M --files-per-target F --commits K --seed S
    python3 bench/synth.py OUT_DIR --profile chain5000 [--targets T --width W]
    python3 bench/synth.py OUT_DIR --profile big-outputs --output-bytes 1G [--services N --output-files C]

Creates a git repository at OUT_DIR holding a fleet.yaml (schema: fleet.yaml v1) and its targets, plus a history of
K commits after the initial import, and prints a JSON summary on stdout. Everything is a pure function of the
arguments: the same arguments give the same commit ids on any machine (random.Random(seed) everywhere, fixed
author/committer and dates, no clock, no hash-randomised ordering). Only the Python 3.11 standard library is used.

The repository is written with one `git fast-import` stream (blobs inline, one pass, no temporary files), then
`git reset --hard` populates the work tree and the index. See bench/README.md for the profiles and timings.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import shutil
import string
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

# MARK: - Constants

GENERATOR_VERSION = 1
BASE_TIME = 1_704_067_200  # 2024-01-01T00:00:00Z: the initial import; later commits are strictly later.
IDENTITY = "Fleet Synth <synth@fleet.invalid>"
BRANCH = "main"

SMALL_MIN, SMALL_MAX = 200, 8 * 1024  # most files: log-uniform in this range
LARGE_MIN, LARGE_MAX = 100 * 1024, 2 * 1024 * 1024  # 1 in LARGE_ONE_IN files: log-uniform in this range
LARGE_ONE_IN = 200
MAX_LIB_DEPTH = 4  # edges in the longest lib → lib chain
MAX_SERVICE_LIBS = 6  # direct lib dependencies of one service
NO_LIB_SHARE = 0.05  # services that use no lib at all
SERVICE_DEP_SHARE = 0.03  # services that depend on an (older) service

# The commit mix after the initial import (fractions of --commits, rounded by largest remainder).
COMMIT_MIX = (("service", 0.60), ("lib", 0.10), ("docs", 0.25), ("manifest", 0.05))

# The default actions. build reads the sources and writes the declared outputs, test checks them, scan greps.
BUILD_RUN = (
    "mkdir -p dist && find src -type f | LC_ALL=C sort > dist/files.txt"
    " && xargs cat < dist/files.txt | cksum > dist/build.out"
)
TEST_RUN = "test -s dist/build.out && grep -q '^src/' dist/files.txt"
SCAN_RUN = "if grep -rIqs 'BEGIN PRIVATE KEY' src; then echo 'scan: private key in src' >&2; exit 1; fi"
E2E_RUN = "test -s dist/build.out"
BUILD_OUTPUTS = ("dist/build.out", "dist/files.txt")  # what BUILD_RUN writes, for build.ninja

# The named input set `prod` and the matcher build.ninja uses for it; keep the two in step.
PROD_SET = ["**", "!tests/**", "!docs/**", "!**/*.md"]


def in_prod(relative: str) -> bool:
    """Whether a path relative to a target's directory matches PROD_SET (later entries win, all are exclusions)."""
    return not (relative.startswith("tests/") or relative.startswith("docs/") or relative.endswith(".md"))


GLOBALS = ["//.tool-versions"]
SHARED_CONFIG = "config/shared"  # root files some services add to their srcs with "//config/shared/*.json"

WORDS = (
    "account audit auth billing cache cart catalog checkout client config coupon credit customer delivery "
    "discount event export feed fraud gateway geo import index invoice ledger loyalty media metrics notify "
    "order partner payment pricing profile promo queue quota rating refund report review risk router schema "
    "search session shipping stock store subscription tax tenant ticket token tracking user vendor wallet "
    "warehouse webhook"
).split()

# MARK: - Small helpers


def camel(*parts: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in parts)


def log_uniform(rng: random.Random, low: int, high: int) -> int:
    return int(math.exp(rng.uniform(math.log(low), math.log(high))))


def parse_bytes(text: str) -> int:
    """Parses `1G`, `512M`, `64K`, `1.5GiB`, `1000000` (binary units: K = 1024)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmMgGtT]?)(i?[bB])?\s*", text)
    if not match:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (expected e.g. 1G, 512M, 64K or a byte count)")
    value = float(match.group(1)) * 1024 ** " KMGT".index((match.group(2) or " ").upper())
    if value < 1:
        raise argparse.ArgumentTypeError(f"size must be at least 1 byte: {text!r}")
    return int(value)


def quota(mix: tuple[tuple[str, float], ...], total: int) -> list[str]:
    """Exactly `total` labels in the given proportions (largest remainder), in a fixed order."""
    raw = [(name, share * total) for name, share in mix]
    counts = {name: int(value) for name, value in raw}
    rest = total - sum(counts.values())
    by_remainder = sorted(range(len(raw)), key=lambda i: (-(raw[i][1] - int(raw[i][1])), i))
    for i in by_remainder[:rest]:
        counts[raw[i][0]] += 1
    return [name for name, _ in mix for _ in range(counts[name])]


class SynthError(Exception):
    """A user-facing error: printed as `synth: error: …` with exit status 1."""


# MARK: - File contents


@dataclass(slots=True)
class Recipe:
    """How to regenerate a file: its kind, seed, nominal size and how many edits were applied since."""

    kind: str
    seed: int
    size: int
    edits: int = 0


@dataclass(slots=True)
class Entry:
    """One tracked file of the model: generated from a recipe or literal bytes; `size` is the rendered size."""

    recipe: Recipe | None
    data: bytes | None = None
    mode: str = "100644"
    size: int = 0


@dataclass(frozen=True, slots=True)
class Lang:
    name: str
    ext: str
    manifest: str
    image: str

    def test_file(self, word: str) -> str:
        return {
            "go": f"{word}_test.go",
            "python": f"test_{word}.py",
            "typescript": f"{word}.test.ts",
            "java": f"{camel(word)}Test.java",
            "rust": f"{word}.rs",
        }[self.name]


LANGS = {
    "go": Lang("go", "go", "go.mod", "golang:1.22"),
    "python": Lang("python", "py", "pyproject.toml", "python:3.12-slim"),
    "typescript": Lang("typescript", "ts", "package.json", "node:20-alpine"),
    "java": Lang("java", "java", "pom.xml", "eclipse-temurin:21"),
    "rust": Lang("rust", "rs", "Cargo.toml", "rust:1.77"),
}
LANG_WEIGHTS = {"go": 35, "python": 25, "typescript": 20, "java": 10, "rust": 10}

CODE_LINES = {
    "go": [
        "func ({a} *{T}) {B}(ctx context.Context, {b} string) error {{",
        "\tif err := {a}.{b}.Validate(ctx); err != nil {{",
        '\t\treturn fmt.Errorf("{a} {b}: %w", err)',
        "\t}}",
        "\t{a}s := make(map[string]int, {n})",
        "\tfor _, {a} := range {b}s {{",
        '\tlog.Printf("{a}: {b}=%d", {n})',
        "\treturn nil",
        "}}",
        "// {B} {c}s the {a} of a {b}.",
        "type {T} struct {{ {B} int; {C} string }}",
        "",
    ],
    "python": [
        "def {a}_{b}({c}, {a}=None):",
        "    if {a} is None:",
        "        return {c}.{b}({n})",
        "class {T}({U}):",
        '    {a} = {b}.get("{c}", {n})',
        "    for {a} in {b}s:",
        "        yield {a}.{c}",
        "# {B} {c}s the {a} of a {b}.",
        "    raise {T}Error(f\"{a} {{{b}}}\")",
        "",
    ],
    "typescript": [
        "export async function {a}{B}({b}: {T}): Promise<{U}> {{",
        "  const {a} = await {b}.{c}({n});",
        '  if (!{a}) {{ throw new Error("{b} {c}"); }}',
        "  return {{ {a}, {b}: {n} }};",
        "}}",
        'import {{ {T} }} from "./{a}";',
        "// {B} {c}s the {a} of a {b}.",
        "",
    ],
    "java": [
        "    public {T} {a}{B}({U} {b}) {{",
        "        final var {a} = {b}.{c}({n});",
        '        if ({a} == null) {{ throw new IllegalStateException("{b}"); }}',
        "        return {a};",
        "    }}",
        "    // {B} {c}s the {a} of a {b}.",
        "    private final {T} {a} = new {T}({n});",
        "",
    ],
    "rust": [
        "pub fn {a}_{b}({c}: &{T}) -> Result<{U}, Error> {{",
        "    let {a} = {b}.{c}({n})?;",
        "    if {a}.is_empty() {{ return Err(Error::{T}); }}",
        "    Ok({a})",
        "}}",
        "/// {B} {c}s the {a} of a {b}.",
        "use crate::{a}::{T};",
        "",
    ],
}
MARKDOWN_LINES = [
    "## {B} {c}",
    "The {a} {b} {c}s each {T} within {n} ms unless the {a} is disabled.",
    "- `{a}_{b}`: the {c} used by the {T} (default {n}).",
    "See [{B}](docs/{a}.md) for how the {b} and the {c} interact.",
    "1. Run `make {a}-{b}` and check the {c} dashboard.",
    "",
]
JSON_ENTRIES = [
    '  "{a}_{b}": {n}',
    '  "{a}_{b}": "{c}-{n}"',
    '  "{a}": {{"{b}": {n}, "{c}": true}}',
    '  "{a}_{c}": [{n}, 1]',
]
YAML_LINES = ["{a}_{b}_{n}: {m}", "{a}_{c}_{n}: {b}-{m}", "{a}_{n}:\n  {b}: {m}\n  {c}: true", "# {B} {c}"]
DOCKER_LINES = [
    "RUN apt-get update && apt-get install -y --no-install-recommends {a}-{b} && rm -rf /var/lib/apt/lists/*",
    "COPY {a}/ /app/{a}/",
    "ENV {A}_{Bu}={n}",
    "RUN ./scripts/{a}.sh --{b}={n}",
    "EXPOSE {p}",
    "LABEL org.acme.{a}={b}",
]
CI_LINES = [
    "      - run: make {a}-{b}",
    "      - name: {B} {c}\n        run: ./scripts/{a}.sh --{b} {n}",
    "      - uses: actions/cache@v4\n        with:\n          path: .cache/{a}\n          key: {b}-{n}",
]
CSV_ROWS = ["{n},{a},{b},{c},{m}.{n},{T}", "{n},{b},{a},,{m},{U}"]
RECORD_ROWS = [
    '  {{"id": {n}, "{a}": "{b}", "{c}": {m}, "kind": "{T}"}}',
    '  {{"id": {n}, "{b}": [{m}, {n}], "ok": false}}',
]
MANIFEST_LINES = {
    "go.mod": (
        "module github.com/acme/{name}\n\ngo 1.22\n\nrequire (\n",
        "\tgithub.com/acme/{a}-{b} v1.{n}.0",
        "\n",
        "\n)\n",
    ),
    "pyproject.toml": (
        '[project]\nname = "{name}"\nversion = "1.0.0"\ndependencies = [\n',
        '    "{a}-{b}>=1.{n}"',
        ",\n",
        "\n]\n",
    ),
    "package.json": (
        '{{\n  "name": "@acme/{name}",\n  "version": "1.0.0",\n  "dependencies": {{\n',
        '    "@acme/{a}-{b}-{n}": "^1.{n}.0"',
        ",\n",
        "\n  }}\n}}\n",
    ),
    "pom.xml": (
        "<project>\n  <artifactId>{name}</artifactId>\n  <dependencies>\n",
        "    <dependency><groupId>com.acme</groupId><artifactId>{a}-{b}</artifactId>"
        "<version>1.{n}</version></dependency>",
        "\n",
        "\n  </dependencies>\n</project>\n",
    ),
    "Cargo.toml": (
        '[package]\nname = "{name}"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n',
        '{a}-{b}-{n} = "1.{n}"',
        "\n",
        "\n",
    ),
}
CODE_HEADS = {
    "go": "package {a}\n\nimport (\n\t\"context\"\n\t\"fmt\"\n\t\"log\"\n)\n\n",
    "python": '"""{B} {c}s for the {a} {b}."""\n\nfrom __future__ import annotations\n\n',
    "typescript": 'import {{ Context }} from "./context";\n\n',
    "java": "package com.acme.{a};\n\npublic final class {T} {{\n",
    "rust": "//! {B} {c}s for the {a} {b}.\nuse std::fmt;\n\n",
}
CODE_TAILS = {"go": "\n", "python": "\n", "typescript": "\n", "java": "\n}\n", "rust": "\n"}


_FIELD_MAKERS: dict[str, Callable[[random.Random], object]] = {
    "a": lambda rng: rng.choice(WORDS),
    "b": lambda rng: rng.choice(WORDS),
    "c": lambda rng: rng.choice(WORDS),
    "A": lambda rng: rng.choice(WORDS).upper(),
    "B": lambda rng: camel(rng.choice(WORDS)),
    "Bu": lambda rng: rng.choice(WORDS).upper(),
    "C": lambda rng: camel(rng.choice(WORDS)),
    "T": lambda rng: camel(rng.choice(WORDS), rng.choice(WORDS)),
    "U": lambda rng: camel(rng.choice(WORDS)),
    "n": lambda rng: rng.randrange(1, 10_000),
    "m": lambda rng: rng.randrange(0, 1_000),
    "p": lambda rng: rng.choice((8080, 8443, 9090, 3000, 5000)),
}
_TEMPLATE_FIELDS: dict[str, tuple[str, ...]] = {}


def fill(rng: random.Random, template: str, **extra: str) -> str:
    """Formats a template, drawing only the fields it uses (in template order, so the result is deterministic)."""
    fields = _TEMPLATE_FIELDS.get(template)
    if fields is None:
        names = (name for _, name, _, _ in string.Formatter().parse(template) if name)
        fields = _TEMPLATE_FIELDS[template] = tuple(dict.fromkeys(names))
    return template.format(**{f: extra[f] if f in extra else _FIELD_MAKERS[f](rng) for f in fields})


@dataclass(frozen=True, slots=True)
class Shape:
    """A text kind: head, a body of lines drawn from a pool (joined by sep), tail."""

    head: str
    pool: list[str]
    sep: str
    tail: str
    average: float  # mean length of a pool line plus the separator


class ContentFactory:
    """Renders recipes to bytes. Line pools are built lazily, each from its own seed; each file has its own seed."""

    POOL_TEMPLATES: dict[str, tuple[list[str], int]] = {
        **{f"code:{name}": (lines, 1000) for name, lines in CODE_LINES.items()},
        "md": (MARKDOWN_LINES, 1000),
        "json": (JSON_ENTRIES, 600),
        "yaml": (YAML_LINES, 600),
        "docker": (DOCKER_LINES, 200),
        "ci": (CI_LINES, 200),
        "csv": (CSV_ROWS, 3000),
        "records": (RECORD_ROWS, 3000),
        **{f"manifest:{name}": ([line], 200) for name, (_, line, _, _) in MANIFEST_LINES.items()},
    }

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.pools: dict[str, list[str]] = {}
        self.averages: dict[str, float] = {}

    def pool(self, name: str) -> list[str]:
        if name not in self.pools:
            templates, size = self.POOL_TEMPLATES[name]
            rng = random.Random(f"{self.seed}:pool:{name}")  # independent of which pools were built before
            self.pools[name] = [fill(rng, rng.choice(templates)) for _ in range(size)]
            self.averages[name] = sum(map(len, self.pools[name])) / size
        return self.pools[name]

    def _shape(self, head: str, pool: str, sep: str, tail: str) -> Shape:
        lines = self.pool(pool)
        return Shape(head, lines, sep, tail, self.averages[pool] + len(sep))

    def shape(self, kind: str, rng: random.Random) -> Shape:
        family, _, detail = kind.partition(":")
        if family == "code":
            return self._shape(fill(rng, CODE_HEADS[detail]), kind, "\n", CODE_TAILS[detail])
        if family == "md":
            return self._shape(fill(rng, "# {T}\n\n"), "md", "\n", "\n")
        if family == "json":
            return self._shape("{\n", "json", ",\n", "\n}\n")
        if family == "yaml":
            return self._shape(fill(rng, "# {B} settings\n"), "yaml", "\n", "\n")
        if family == "docker":
            head = f"FROM {LANGS[detail].image} AS build\nWORKDIR /app\nCOPY . .\n"
            return self._shape(head, "docker", "\n", '\nUSER 65532\nENTRYPOINT ["/app/run"]\n')
        if family == "manifest":
            head, _, sep, tail = MANIFEST_LINES[detail]
            name = f"{rng.choice(WORDS)}-{rng.choice(WORDS)}"
            return self._shape(fill(rng, head, name=name), kind, sep, tail.replace("{{", "{").replace("}}", "}"))
        if family == "ci":
            head = fill(rng, "name: {a}\non:\n  push:\n    branches: [main]\n  pull_request:\njobs:\n  {b}:\n"
                             "    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n")
            return self._shape(head, "ci", "\n", "\n")
        if family == "csv":
            return self._shape("id,name,kind,parent,score,type\n", "csv", "\n", "\n")
        if family == "records":
            return self._shape("[\n", "records", ",\n", "\n]\n")
        raise ValueError(f"unknown content kind {kind!r}")

    def render(self, recipe: Recipe) -> bytes:
        rng = random.Random(recipe.seed)
        if recipe.kind == "bin":
            data = bytearray(rng.randbytes(recipe.size))
            for edit in range(1, recipe.edits + 1):
                erng = random.Random(f"{recipe.seed}:{edit}")
                for _ in range(erng.randint(1, 3)):
                    start = erng.randrange(0, max(1, len(data) - 4096))
                    data[start : start + 4096] = erng.randbytes(min(4096, len(data) - start))
            return bytes(data)
        shape = self.shape(recipe.kind, rng)
        wanted = recipe.size - len(shape.head) - len(shape.tail)
        body = rng.choices(shape.pool, k=max(1, int(wanted / shape.average)))
        have = sum(map(len, body)) + len(shape.sep) * (len(body) - 1)
        while have < wanted:  # at least the nominal size, at most one line more
            line = rng.choice(shape.pool)
            body.append(line)
            have += len(line) + len(shape.sep)
        for edit in range(1, recipe.edits + 1):
            self._edit(body, shape.pool, random.Random(f"{recipe.seed}:{edit}"))
        return (shape.head + shape.sep.join(body) + shape.tail).encode()

    @staticmethod
    def _edit(body: list[str], pool: list[str], rng: random.Random) -> None:
        """A small realistic change that always changes the text: replace, insert or delete lines at one place."""
        at = rng.randrange(0, len(body))
        op = rng.choice(("replace", "replace", "insert", "delete"))
        if op == "delete" and len(body) > 3:
            del body[at : at + rng.randint(1, 2)]  # removes at least one line, so the text changes
            return
        if op == "replace":
            end = at + rng.randint(1, 3)
            new = rng.choices(pool, k=rng.randint(1, 3))
            if new != body[at:end]:
                body[at:end] = new
                return
        # Insert a non-empty line: the line count, hence the text, changes.
        body[at:at] = [line for line in rng.choices(pool, k=rng.randint(1, 4)) if line] or ["// edited"]


# MARK: - The model


@dataclass
class Target:
    """A lib or service of the generated fleet, with what fleet.yaml says about it and the files it owns."""

    name: str
    kind: str  # "lib" | "service"
    path: str
    lang: str = "go"
    deps: list[str] = field(default_factory=list)
    description: str | None = None
    srcs: list[str] | None = None
    env: list[str] | None = None
    image: dict[str, str] | None = None
    build_rev: int = 0  # > 0: the service overrides build.run (a manifest-edit commit)
    e2e: bool = False
    no_scan: bool = False
    files: list[str] = field(default_factory=list)  # paths relative to the repo root, in creation order
    protected: set[str] = field(default_factory=set)  # never deleted or renamed by the history
    packages: list[str] = field(default_factory=list)

    def build_run(self) -> str:
        return BUILD_RUN if self.build_rev == 0 else f"{BUILD_RUN} && echo 'rev {self.build_rev}' >> dist/build.out"


# MARK: - YAML text

_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_./-]*")
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}


def scalar(value: object) -> str:
    """A YAML scalar that reads back as exactly `value` in YAML 1.1 and 1.2 (JSON strings are YAML 1.2 scalars)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if _PLAIN.fullmatch(text) and text.lower() not in _YAML_WORDS:
        return text
    return json.dumps(text)


def flow(values: list[str]) -> str:
    return "[" + ", ".join(scalar(v) for v in values) + "]"


def emit_action(lines: list[str], indent: str, name: str, action: dict[str, object] | None) -> None:
    if action is None:
        lines.append(f"{indent}{name}: null")
        return
    lines.append(f"{indent}{name}:")
    for key, value in action.items():
        lines.append(f"{indent}  {key}: {flow(value) if isinstance(value, list) else scalar(value)}")


# MARK: - Git plumbing


def git_env() -> dict[str, str]:
    """The environment for every git process: no user/system config, no inherited repository variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, GIT_TERMINAL_PROMPT="0", LC_ALL="C")
    return env


def run_git(repo: Path, *args: str) -> str:
    try:
        result = subprocess.run(["git", *args], cwd=repo, env=git_env(), capture_output=True, text=True)
    except FileNotFoundError:
        raise SynthError("git not found: install git (the generator drives git fast-import)") from None
    if result.returncode != 0:
        raise SynthError(f"git {' '.join(args)} failed ({result.returncode}): {result.stderr.strip()}")
    return result.stdout


class FastImport:
    """One `git fast-import` process fed a stream of commits with inline blobs; commits go to refs/heads/main."""

    def __init__(self, repo: Path) -> None:
        self._stderr = tempfile.TemporaryFile()
        self._proc = subprocess.Popen(
            # Fast zlib and no delta search: 2× faster on the full size for a pack ~10 % larger.
            ["git", "-c", "core.compression=1", "fast-import", "--quiet", "--done", "--big-file-threshold=1k"],
            cwd=repo, env=git_env(), stdin=subprocess.PIPE, stderr=self._stderr, bufsize=1 << 20,
        )
        assert self._proc.stdin is not None
        self._out = self._proc.stdin

    def _write(self, data: bytes) -> None:
        try:
            self._out.write(data)
        except BrokenPipeError:
            self._fail()

    def begin_commit(self, message: str, when: int) -> None:
        msg = message.encode() + b"\n"
        header = f"commit refs/heads/{BRANCH}\nauthor {IDENTITY} {when} +0000\ncommitter {IDENTITY} {when} +0000\n"
        self._write(header.encode() + b"data %d\n" % len(msg) + msg)

    def modify(self, path: str, data: bytes, mode: str = "100644") -> None:
        self._write(b"M %s inline %s\ndata %d\n" % (mode.encode(), path.encode(), len(data)) + data + b"\n")

    def delete(self, path: str) -> None:
        self._write(b"D %s\n" % path.encode())

    def rename(self, old: str, new: str) -> None:
        self._write(b"R %s %s\n" % (old.encode(), new.encode()))

    def end_commit(self) -> None:
        self._write(b"\n")

    def finish(self) -> None:
        self._write(b"done\n")
        try:
            self._out.close()
        except BrokenPipeError:
            pass
        if self._proc.wait() != 0:
            self._fail()

    def abort(self) -> None:
        """Kills fast-import before it sees `done`, so that no half-written branch is left behind."""
        if self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()

    def _fail(self) -> None:
        self._proc.wait()
        self._stderr.seek(0)
        detail = self._stderr.read().decode(errors="replace").strip()
        raise SynthError(f"git fast-import failed ({self._proc.returncode}): {detail}")


# MARK: - The generator


class Generator:
    """Builds the model of one fleet repository and streams its history into git fast-import."""

    def __init__(self, args: argparse.Namespace, log: Callable[[str], None] = lambda _: None) -> None:
        self.args = args
        self.log = log
        self.emitted = 0
        self.emitted_bytes = 0
        self.seed: int = args.seed
        self.rng = random.Random(self.seed)
        self.content = ContentFactory(self.seed)
        self.files: dict[str, Entry] = {}
        self.libs: dict[str, Target] = {}
        self.services: dict[str, Target] = {}
        self.owner: dict[str, Target] = {}  # path → target that owns it
        self.fi: FastImport | None = None
        self.kinds: dict[str, int] = {}
        self.commit_count = 0
        self.when = BASE_TIME
        self.core: list[str] = []
        self.core_share: list[float] = []
        self.lib_depth: dict[str, int] = {}
        self.next_service = 0
        self.manifest_text: Callable[[], str] = self.render_default_manifest

    # MARK: Files

    def add_file(self, path: str, entry: Entry, owner: Target | None = None) -> None:
        if path in self.files:
            raise AssertionError(f"duplicate path {path}")
        self.files[path] = entry
        if owner is not None:
            owner.files.append(path)
            self.owner[path] = owner

    def emit(self, path: str) -> None:
        """Renders the current version of `path` into the open commit."""
        entry = self.files[path]
        data = entry.data if entry.data is not None else self.content.render(entry.recipe)  # type: ignore[arg-type]
        entry.size = len(data)
        self.emitted += 1
        self.emitted_bytes += entry.size
        if self.emitted % 25_000 == 0:
            self.log(f"synth: {self.emitted:,} files, {self.emitted_bytes / 2**20:,.0f} MiB written to fast-import")
        assert self.fi is not None
        self.fi.modify(path, data, entry.mode)

    def literal(self, path: str, text: str | bytes, mode: str = "100644") -> None:
        data = text.encode() if isinstance(text, str) else text
        if path in self.files:
            self.files[path].data = data
        else:
            self.add_file(path, Entry(None, data, mode))

    def commit(self, message: str, changed: list[str], deleted: tuple[str, ...] = (),
               renamed: tuple[tuple[str, str], ...] = (), kind: str = "import") -> None:
        assert self.fi is not None
        if self.commit_count > 0:
            self.when += self.rng.randint(600, 7200)
        self.fi.begin_commit(message, self.when)
        for path in deleted:  # deletes first: a rename or an add may reuse a deleted path
            self.fi.delete(path)
        for old, new in renamed:
            self.fi.rename(old, new)
        for path in changed:
            self.emit(path)
        self.fi.end_commit()
        if kind != "import":
            self.kinds[kind] = self.kinds.get(kind, 0) + 1
        self.commit_count += 1

    # MARK: Target files

    def new_target_path(self, target: Target, category: str, rng: random.Random) -> tuple[str, Recipe]:
        """A fresh path (unique within the target) and recipe for one more file of `category`."""
        lang = LANGS[target.lang]
        word = rng.choice(WORDS)
        seed = rng.getrandbits(63)
        size = log_uniform(rng, SMALL_MIN, SMALL_MAX)
        code = f"code:{lang.name}"
        if category == "src":
            rel, recipe = f"src/{rng.choice(target.packages)}/{word}.{lang.ext}", Recipe(code, seed, size)
        elif category == "internal":
            rel, recipe = f"src/internal/{rng.choice(target.packages)}/{word}.{lang.ext}", Recipe(code, seed, size)
        elif category == "tests":
            rel, recipe = f"tests/{lang.test_file(word)}", Recipe(code, seed, size)
        elif category == "docs":
            rel, recipe = f"docs/{word}.md", Recipe("md", seed, size)
        elif category == "config":
            ext = rng.choice(("json", "yaml"))
            rel, recipe = f"config/{word}.{ext}", Recipe(ext, seed, size)
        elif category == "fixtures":
            rel, recipe = f"tests/fixtures/{word}.json", Recipe("json", seed, size)
        elif category == "large":
            size = log_uniform(rng, LARGE_MIN, LARGE_MAX)
            kind, rel = rng.choice((
                ("bin", f"assets/{word}.bin"),
                ("records", f"tests/fixtures/{word}-large.json"),
                ("csv", f"data/{word}.csv"),
                ("records", f"data/{word}.json"),
            ))
            recipe = Recipe(kind, seed, size)
        else:
            raise ValueError(category)
        stem, dot, ext = rel.rpartition(".")
        path, n = f"{target.path}/{rel}", 2
        while path in self.files:
            path, n = f"{target.path}/{stem}{n}{dot}{ext}", n + 1
        return path, recipe

    CATEGORIES = (("src", 45), ("internal", 15), ("tests", 22), ("docs", 8), ("config", 5), ("fixtures", 5))

    def pick_category(self, rng: random.Random) -> str:
        if rng.randrange(LARGE_ONE_IN) == 0:
            return "large"
        return rng.choices([c for c, _ in self.CATEGORIES], weights=[w for _, w in self.CATEGORIES])[0]

    def populate(self, target: Target, count: int) -> None:
        """Gives `target` about `count` files: fixed ones first (main source, README, …), then a realistic mix."""
        rng = random.Random(f"{self.seed}:files:{target.name}")
        lang = LANGS[target.lang]
        target.packages = rng.sample(WORDS, max(1, min(len(WORDS), count // 12)))
        code = f"code:{lang.name}"

        def sized(low: int = SMALL_MIN, high: int = SMALL_MAX) -> int:
            return log_uniform(rng, low, high)

        fixed: list[tuple[str, Recipe]] = [(f"src/main.{lang.ext}", Recipe(code, rng.getrandbits(63), sized()))]
        fixed.append(("README.md", Recipe("md", rng.getrandbits(63), sized(300, 6000))))
        if target.kind == "service":
            fixed.append(("Dockerfile", Recipe(f"docker:{lang.name}", rng.getrandbits(63), sized(200, 1200))))
        fixed.append((lang.manifest, Recipe(f"manifest:{lang.manifest}", rng.getrandbits(63), sized(200, 2000))))
        if target.kind == "service":
            fixed.append(("config/app.yaml", Recipe("yaml", rng.getrandbits(63), sized(200, 3000))))
            fixed.append(("config/defaults.json", Recipe("json", rng.getrandbits(63), sized(200, 3000))))
        else:
            fixed.append(("docs/usage.md", Recipe("md", rng.getrandbits(63), sized())))
        for rel, recipe in fixed[:count]:
            path = f"{target.path}/{rel}"
            self.add_file(path, Entry(recipe), target)
            target.protected.add(path)
        for _ in range(count - len(fixed)):
            path, recipe = self.new_target_path(target, self.pick_category(rng), rng)
            self.add_file(path, Entry(recipe), target)

    def files_per_target(self, rng: random.Random) -> int:
        f = self.args.files_per_target
        return f if f < 10 else max(1, round(f * rng.uniform(0.75, 1.25)))

    # MARK: Dependency shape

    def plan_libs(self, count: int) -> None:
        """Libs lib-000…: the first 3–5 are core; a lib depends only on lower-numbered libs, chains ≤ 4 edges."""
        rng = self.rng
        core = min(count, rng.randint(3, 5))
        self.core = [f"lib-{i:03d}" for i in range(core)]
        self.core_share = [rng.uniform(0.74, 0.88) for _ in self.core]  # of all services, incl. no-lib ones
        for i in range(count):
            name = f"lib-{i:03d}"
            lower = [f"lib-{j:03d}" for j in range(i)]
            candidates = [d for d in lower if self.lib_depth[d] < MAX_LIB_DEPTH and (i >= core or d in self.core)]
            wanted = rng.choices((0, 1, 2, 3), weights=(25, 40, 25, 10))[0] if i else 0
            deps: list[str] = []
            if candidates and wanted:
                # Prefer deeper libs so that real chains appear, and core libs because everybody uses them.
                weights = [1 + 0.5 * self.lib_depth[d] + (2 if d in self.core else 0) for d in candidates]
                while len(deps) < min(wanted, len(candidates)):
                    pick = rng.choices(candidates, weights=weights)[0]
                    if pick not in deps:
                        deps.append(pick)
            self.lib_depth[name] = 1 + max((self.lib_depth[d] for d in deps), default=-1)
            target = Target(name, "lib", f"libs/{name}", lang=self.pick_lang(), deps=sorted(deps))
            if rng.random() < 0.5:
                target.description = fill(rng, "{B} {c}s shared by the {a} services")
            self.libs[name] = target

    def pick_lang(self) -> str:
        return self.rng.choices(list(LANG_WEIGHTS), weights=list(LANG_WEIGHTS.values()))[0]

    def service_lib_deps(self) -> list[str]:
        """0–6 libs: ~5 % none, each core lib with its share, then a skewed number of popular non-core libs."""
        rng = self.rng
        if not self.libs or rng.random() < NO_LIB_SHARE:
            return []
        deps = [c for c, share in zip(self.core, self.core_share) if rng.random() < share / (1 - NO_LIB_SHARE)]
        others = [name for name in self.libs if name not in self.core]
        extra = rng.choices((0, 1, 2, 3, 4), weights=(30, 30, 20, 12, 8))[0]
        extra = min(extra, MAX_SERVICE_LIBS - len(deps), len(others))
        weights = [1 / (rank + 1) ** 0.7 for rank in range(len(others))]  # Zipf-like popularity
        while extra > 0:
            pick = rng.choices(others, weights=weights)[0]
            if pick not in deps:
                deps.append(pick)
                extra -= 1
        return deps

    def new_service(self) -> Target:
        rng = self.rng
        index = self.next_service
        self.next_service += 1
        name = f"svc-{index:04d}"
        deps = self.service_lib_deps()
        if index >= 10 and rng.random() < SERVICE_DEP_SHARE:
            deps.append(f"svc-{rng.randrange(0, index):04d}")  # older service only: acyclic by construction
        target = Target(name, "service", f"services/{name}", lang=self.pick_lang(), deps=sorted(deps))
        if rng.random() < 0.3:
            target.description = fill(rng, "{B} {c} service for the {a} team")
        if rng.random() < 0.10:
            target.env = ["CI", "FEATURE_FLAGS"]
        if rng.random() < 0.03:
            target.srcs = ["**", f"//{SHARED_CONFIG}/*.json"]
        roll = rng.random()
        if roll < 0.02:
            target.image = {"name": name, "registry": "registry.example.com/platform"}
        elif roll < 0.05:
            target.image = {"name": f"shop-{name}"}
        target.e2e = rng.random() < 0.04
        target.no_scan = rng.random() < 0.02
        self.services[name] = target
        return target

    # MARK: Root files

    def root_files(self, profile: str) -> None:
        self.literal(".gitignore", "dist/\n/bench/\n")
        self.literal(".tool-versions", "python 3.11.7\nnodejs 20.11.1\ngolang 1.22.1\njava temurin-21.0.2\n")
        self.literal(
            "README.md",
            f"# Synthetic fleet ({profile})\n\nGenerated by fleet's bench/synth.py (generator v{GENERATOR_VERSION}, "
            f"seed {self.seed}). Do not edit by hand: regenerate it.\n",
        )
        rng = random.Random(f"{self.seed}:root")
        for name in ("ci", "release"):
            self.add_file(f".github/workflows/{name}.yml", Entry(Recipe("ci", rng.getrandbits(63), 1200)))

    # MARK: Profiles

    def generate_default(self) -> None:
        args = self.args
        self.root_files("default")
        rng = random.Random(f"{self.seed}:rootdocs")
        for word in ("architecture", "onboarding", "runbook", "release-process"):
            self.add_file(f"docs/{word}.md", Entry(Recipe("md", rng.getrandbits(63), log_uniform(rng, 800, 6000))))
        for word in ("regions", "limits", "features"):
            self.add_file(f"{SHARED_CONFIG}/{word}.json", Entry(Recipe("json", rng.getrandbits(63), 1500)))
        self.plan_libs(args.libs)
        for _ in range(args.services):
            self.new_service()
        for target in [*self.libs.values(), *self.services.values()]:
            self.populate(target, self.files_per_target(random.Random(f"{self.seed}:count:{target.name}")))
        self.literal("fleet.yaml", self.manifest_text())
        self.import_all(f"Initial import: {len(self.services)} services, {len(self.libs)} libs")
        for kind in quota(COMMIT_MIX, args.commits):
            self.history_commit(kind)

    def generate_chain(self) -> None:
        """T trivial targets in layers of ~W; every node depends on 1–3 nodes of the previous layer (+ skips)."""
        args = self.args
        self.root_files("chain5000")
        rng = self.rng
        layers: list[list[str]] = []
        for i in range(args.targets):
            if i % args.width == 0:
                layers.append([])
            name = f"n-{i:04d}"
            deps: set[str] = set()
            if len(layers) > 1:
                previous = layers[-2]
                deps.update(rng.sample(previous, min(len(previous), rng.randint(1, 3))))
                if len(layers) > 2 and rng.random() < 0.2:
                    deps.add(rng.choice(layers[rng.randrange(0, len(layers) - 2)]))
            layers[-1].append(name)
            target = Target(name, "lib", f"nodes/{name}", deps=sorted(deps))
            self.libs[name] = target
            self.add_file(f"{target.path}/node.txt", Entry(None, f"{name}\n".encode()), target)
            target.protected.update(target.files)
        self.manifest_text = self.render_chain_manifest
        self.literal("fleet.yaml", self.manifest_text())
        self.import_all(f"Initial import: {args.targets} chained targets in layers of {args.width}")
        for i in range(args.commits):
            name = rng.choice(list(self.libs))
            path = f"{self.libs[name].path}/node.txt"
            self.files[path].data = f"{name}\nedit {i + 1}\n".encode()
            self.commit(f"{name}: edit 1 file", [path], kind="node")

    def generate_big_outputs(self) -> None:
        """N services whose build writes a share of --output-bytes in a few dozen deterministic files."""
        args = self.args
        self.root_files("big-outputs")
        self.literal("tools/gen_outputs.py", GEN_OUTPUTS_PY, mode="100755")
        rng = self.rng
        weights = [math.exp(rng.uniform(0, math.log(16))) for _ in range(args.output_files)]
        spare = args.output_bytes - 4096 * args.output_files  # every file gets 4 KiB, the rest by weight
        sizes = [4096 + int(spare * w / sum(weights)) // 4096 * 4096 for w in weights]
        sizes[-1] += args.output_bytes - sum(sizes)  # exact total
        plans: list[list[dict[str, object]]] = [[] for _ in range(args.services)]
        for i, size in enumerate(sizes):
            kind = "random" if rng.random() < 0.75 else "mixed"
            plans[i % args.services].append({"path": f"part-{i:03d}.bin", "bytes": size, "kind": kind})
        for index in range(args.services):
            name = f"svc-{index:04d}"
            target = Target(name, "service", f"services/{name}", lang="go")
            self.services[name] = target
            plan = {"seed": f"{self.seed}:{name}", "files": plans[index]}
            self.add_file(f"{target.path}/outputs.json", Entry(None, (json.dumps(plan, indent=2) + "\n").encode()),
                          target)
            self.populate(target, 2)  # src/main.go and README.md
        self.next_service = args.services
        self.manifest_text = self.render_big_outputs_manifest
        self.literal("fleet.yaml", self.manifest_text())
        self.import_all(f"Initial import: {args.services} services writing {args.output_bytes} bytes of outputs")

    def import_all(self, message: str) -> None:
        self.commit(message, list(self.files))

    # MARK: History

    def history_commit(self, kind: str) -> None:
        if kind == "service" and not self.services:
            kind = "lib" if self.libs else "docs"
        if kind == "lib" and not self.libs:
            kind = "service" if self.services else "docs"
        {"service": self.commit_service, "lib": self.commit_lib, "docs": self.commit_docs,
         "manifest": self.commit_manifest}[kind]()

    def commit_target_edit(self, target: Target, kind: str) -> None:
        """Edits 1–5 files of one target; sometimes also adds, deletes or renames a file."""
        rng = self.rng
        wanted = rng.choices((1, 2, 3, 4, 5), weights=(35, 25, 18, 12, 10))[0]
        editable = [p for p in target.files if self.files[p].recipe is not None]
        edited = rng.sample(editable, min(wanted, len(editable)))
        for path in edited:
            recipe = self.files[path].recipe
            if recipe is not None:
                recipe.edits += 1
        notes = [f"edit {len(edited)} file{'s' if len(edited) != 1 else ''}"]
        changed = list(edited)
        movable = [p for p in target.files if p not in target.protected and p not in edited]
        deleted: list[str] = []
        renamed: list[tuple[str, str]] = []
        if movable and rng.random() < 0.08:
            path = rng.choice(movable)
            movable.remove(path)
            self.remove_file(path)
            deleted.append(path)
            notes.append("delete 1")
        if movable and rng.random() < 0.08:
            old = rng.choice(movable)
            new = self.rename_target(target, old)
            renamed.append((old, new))
            notes.append("rename 1")
        if rng.random() < 0.20:
            added = rng.randint(1, 2)
            for _ in range(added):
                path, recipe = self.new_target_path(target, rng.choice(("src", "src", "internal", "tests")), rng)
                self.add_file(path, Entry(recipe), target)
                changed.append(path)
            notes.append(f"add {added}")
        self.commit(f"{target.name}: {', '.join(notes)}", changed, tuple(deleted), tuple(renamed), kind)

    def remove_file(self, path: str) -> None:
        del self.files[path]
        owner = self.owner.pop(path, None)
        if owner is not None:
            owner.files.remove(path)

    def rename_target(self, target: Target, old: str) -> str:
        """Moves a file to another package or name with the same extension; the content stays (a pure rename)."""
        rng = self.rng
        directory, _, base = old.rpartition("/")
        stem, dot, ext = base.rpartition(".")
        if directory.startswith(f"{target.path}/src/") and rng.random() < 0.5 and not directory.endswith("/internal"):
            prefix = f"{target.path}/src/internal" if "/internal/" in old else f"{target.path}/src"
            directory = f"{prefix}/{rng.choice(target.packages + [rng.choice(WORDS)])}"
        else:
            stem = rng.choice(WORDS) + ("_v2" if rng.random() < 0.5 else "")
        new, n = f"{directory}/{stem}{dot}{ext}", 2
        while new in self.files:
            new, n = f"{directory}/{stem}{n}{dot}{ext}", n + 1
        entry = self.files[old]
        self.remove_file(old)
        self.add_file(new, entry, target)
        return new

    def commit_service(self) -> None:
        self.commit_target_edit(self.services[self.rng.choice(list(self.services))], "service")

    def commit_lib(self) -> None:
        self.commit_target_edit(self.libs[self.rng.choice(list(self.libs))], "lib")

    def commit_docs(self) -> None:
        """Markdown anywhere in the repo (70 %) or a CI workflow under .github/workflows (30 %)."""
        rng = self.rng
        if rng.random() < 0.7:
            if rng.random() < 0.1:
                path = f"docs/{rng.choice(WORDS)}-{rng.randrange(100, 1000)}.md"
                if path not in self.files:
                    self.add_file(path, Entry(Recipe("md", rng.getrandbits(63), log_uniform(rng, 500, 5000))))
                    self.commit(f"docs: add {path}", [path], kind="docs")
                    return
            pages = sorted(p for p, e in self.files.items() if p.endswith(".md") and e.recipe is not None)
            chosen = rng.sample(pages, min(len(pages), rng.randint(1, 3)))
            for path in chosen:
                recipe = self.files[path].recipe
                if recipe is not None:
                    recipe.edits += 1
            self.commit(f"docs: update {len(chosen)} file{'s' if len(chosen) != 1 else ''}", chosen, kind="docs")
            return
        workflows = sorted(p for p in self.files if p.startswith(".github/workflows/"))
        if len(workflows) < 8 and rng.random() < 0.2:
            path = f".github/workflows/{rng.choice(WORDS)}.yml"
            if path not in self.files:
                self.add_file(path, Entry(Recipe("ci", rng.getrandbits(63), log_uniform(rng, 600, 3000))))
                self.commit(f"ci: add {path}", [path], kind="docs")
                return
        path = rng.choice(workflows)
        recipe = self.files[path].recipe
        if recipe is not None:
            recipe.edits += 1
        self.commit(f"ci: edit {path}", [path], kind="docs")

    def commit_manifest(self) -> None:
        """Changes a build command, adds or removes a dependency (acyclic by construction), or adds a service."""
        rng = self.rng
        op = rng.choices(("build", "add-dep", "remove-dep", "new-service"), weights=(35, 25, 20, 20))[0]
        services = list(self.services)
        changed = ["fleet.yaml"]
        if op == "build" and services:
            target = self.services[rng.choice(services)]
            target.build_rev += 1
            message = f"fleet.yaml: {target.name}: change build command (rev {target.build_rev})"
        elif op == "add-dep" and services and self.libs:
            room = [s for s in services if sum(d in self.libs for d in self.services[s].deps) < MAX_SERVICE_LIBS
                    and any(lib not in self.services[s].deps for lib in self.libs)]
            if not room:
                return self.commit_manifest_remove(self.services[rng.choice(services)])
            target = self.services[rng.choice(room)]
            dep = rng.choice([lib for lib in self.libs if lib not in target.deps])  # a lib: never a cycle
            target.deps = sorted(target.deps + [dep])
            message = f"fleet.yaml: {target.name}: add dep {dep}"
        elif op == "remove-dep" and services:
            return self.commit_manifest_remove(self.services[rng.choice(services)])
        else:
            target = self.new_service()
            self.populate(target, self.files_per_target(random.Random(f"{self.seed}:count:{target.name}")))
            changed += target.files
            message = f"fleet.yaml: add service {target.name}"
        self.literal("fleet.yaml", self.manifest_text())
        self.commit(message, changed, kind="manifest")

    def commit_manifest_remove(self, target: Target) -> None:
        if not target.deps:
            target.build_rev += 1
            message = f"fleet.yaml: {target.name}: change build command (rev {target.build_rev})"
        else:
            dep = self.rng.choice(target.deps)
            target.deps = [d for d in target.deps if d != dep]
            message = f"fleet.yaml: {target.name}: remove dep {dep}"
        self.literal("fleet.yaml", self.manifest_text())
        self.commit(message, ["fleet.yaml"], kind="manifest")

    # MARK: Manifests

    def manifest_head(self, profile: str, name: str) -> list[str]:
        return [
            f"# Generated by fleet's bench/synth.py (profile {profile}, seed {self.seed}). Regenerate, do not edit.",
            "version: 1",
            f"name: {scalar(name)}",
            "root: .",
            "registry: ghcr.io/acme",
            f"globals: {flow(GLOBALS)}",
        ]

    def render_default_manifest(self) -> str:
        lines = self.manifest_head("default", "synth")
        lines += ["inputs:", f"  prod: {flow(PROD_SET)}", "defaults:", '  srcs: ["**"]', "  env: [CI]", "  actions:"]
        emit_action(lines, "    ", "build", {"run": BUILD_RUN, "inputs": ["prod"], "outputs": ["dist/**"],
                                              "needs": ["^build"]})
        emit_action(lines, "    ", "test", {"run": TEST_RUN, "needs": ["build"]})
        emit_action(lines, "    ", "scan", {"run": SCAN_RUN, "needs": ["build"]})
        for section, targets in (("libs", self.libs), ("services", self.services)):
            if targets:
                lines.append(f"{section}:")
                for target in targets.values():
                    self.emit_target(lines, target)
        return "\n".join(lines) + "\n"

    @staticmethod
    def emit_target(lines: list[str], target: Target) -> None:
        lines.append(f"  {target.name}:")
        lines.append(f"    path: {scalar(target.path)}")
        if target.description:
            lines.append(f"    description: {scalar(target.description)}")
        if target.srcs is not None:
            lines.append(f"    srcs: {flow(target.srcs)}")
        if target.deps:
            lines.append(f"    deps: {flow(target.deps)}")
        if target.env is not None:
            lines.append(f"    env: {flow(target.env)}")
        if target.image:
            lines.append("    image: {" + ", ".join(f"{k}: {scalar(v)}" for k, v in target.image.items()) + "}")
        if target.build_rev or target.e2e or target.no_scan:
            lines.append("    actions:")
            if target.build_rev:
                emit_action(lines, "      ", "build", {"run": target.build_run()})
            if target.e2e:
                emit_action(lines, "      ", "e2e", {"run": E2E_RUN, "needs": ["build"], "cache": False,
                                                     "timeout": "5m"})
            if target.no_scan:
                emit_action(lines, "      ", "scan", None)

    def render_chain_manifest(self) -> str:
        lines = self.manifest_head("chain5000", "chain")
        lines += ["defaults:", "  actions:"]
        emit_action(lines, "    ", "build", {"run": "true", "needs": ["^build"], "cache": False})
        lines.append("libs:")
        for target in self.libs.values():
            self.emit_target(lines, target)
        return "\n".join(lines) + "\n"

    def render_big_outputs_manifest(self) -> str:
        lines = self.manifest_head("big-outputs", "big-outputs")
        lines += ["defaults:", "  actions:"]
        emit_action(lines, "    ", "build", {"run": BIG_BUILD_RUN, "inputs": ["srcs", "//tools/gen_outputs.py"],
                                              "outputs": ["dist/**"]})
        lines.append("services:")
        for target in self.services.values():
            self.emit_target(lines, target)
        return "\n".join(lines) + "\n"

    # MARK: build.ninja

    def ninja_default(self) -> str:
        """Every target's build as one edge running the same command as fleet in the target directory.

        Inputs are the target's `prod` files, the globals and its deps' build outputs, so after one full `ninja`
        a second `ninja` has no work to do. Paths are relative to OUT_DIR/bench (run `ninja -C OUT_DIR/bench`).
        """
        out = [
            f"# Generated by fleet's bench/synth.py (seed {self.seed}): the build action of every target.",
            "# Run from OUT_DIR: ninja -C bench [-j2]   (default: every service's build, with the libs it needs)",
            "ninja_required_version = 1.3",
            "builddir = .ninja",
            "",
            "rule build",
            "  command = cd $dir && $cmd",
            "  description = build $name",
            "",
        ]
        globals_ = [f"../{g.removeprefix('//')}" for g in GLOBALS]
        for target in [*self.libs.values(), *self.services.values()]:
            prefix = target.path + "/"
            inputs = sorted(f"../{p}" for p in target.files if in_prod(p[len(prefix):])) + globals_
            deps = [f"../{self.target(d).path}/{BUILD_OUTPUTS[0]}" for d in target.deps]
            outputs = [f"../{target.path}/{o}" for o in BUILD_OUTPUTS]
            items = [ninja_path(p) for p in inputs]
            if deps:
                items.append("| " + " ".join(map(ninja_path, deps)))
            out.append(f"build {' '.join(map(ninja_path, outputs))}: build" + "".join(f" $\n    {i}" for i in items))
            out += [f"  dir = {ninja_path('../' + target.path)}", f"  cmd = {ninja_value(target.build_run())}",
                    f"  name = {target.name}", ""]
        self.ninja_phony(out, "services", [f"../{t.path}/{BUILD_OUTPUTS[0]}" for t in self.services.values()])
        self.ninja_phony(out, "all", [f"../{t.path}/{BUILD_OUTPUTS[0]}"
                                      for t in [*self.libs.values(), *self.services.values()]])
        out.append("default services" if self.services else "default all")
        return "\n".join(out) + "\n"

    def ninja_chain(self) -> str:
        """The same DAG as the chain fleet: one edge per node running `true` and touching its stamp."""
        out = [
            f"# Generated by fleet's bench/synth.py (seed {self.seed}): {len(self.libs)} trivial edges.",
            "# Run from OUT_DIR: ninja -C bench -j2",
            "ninja_required_version = 1.3",
            "builddir = .ninja",
            "",
            "rule stamp",
            "  command = true && touch $out",
            "  description = build $out",
            "",
        ]
        for target in self.libs.values():
            inputs = " ".join(ninja_path(f"../{p}") for p in target.files)
            deps = " ".join(ninja_path(f"stamps/{d}.stamp") for d in target.deps)
            implicit = f" | {deps}" if deps else ""
            out.append(f"build stamps/{target.name}.stamp: stamp {inputs} ../.tool-versions{implicit}")
        self.ninja_phony(out, "all", [f"stamps/{name}.stamp" for name in self.libs])
        out.append("default all")
        return "\n".join(out) + "\n"

    @staticmethod
    def ninja_phony(out: list[str], name: str, paths: list[str]) -> None:
        out.append(f"build {name}: phony" + "".join(f" $\n    {ninja_path(p)}" for p in paths))
        out.append("")

    def target(self, name: str) -> Target:
        return self.libs[name] if name in self.libs else self.services[name]


def ninja_path(path: str) -> str:
    return re.sub(r"([$ :])", r"$\1", path)


def ninja_value(text: str) -> str:
    return text.replace("$", "$$")


# MARK: - big-outputs

BIG_BUILD_RUN = "python3 ../../tools/gen_outputs.py outputs.json dist"

GEN_OUTPUTS_PY = '''#!/usr/bin/env python3
"""Writes the build outputs a plan lists (generated by fleet's bench/synth.py, profile big-outputs).

    python3 gen_outputs.py PLAN.json OUT_DIR

Deterministic: the bytes depend only on the plan. "random" files are incompressible; "mixed" files alternate
random and log-like text blocks (about 1.7:1 with zstd). Every file is written to a temporary name, then renamed.
"""
import json
import os
import random
import sys

CHUNK = 1 << 20
METHODS = ("GET", "GET", "GET", "POST", "PUT", "DELETE")
ROUTES = ("orders", "carts", "users", "payments", "search", "health", "catalog/items", "sessions")
STATUSES = (200, 200, 200, 200, 201, 204, 304, 404, 500)


def main(plan_path, out_dir):
    with open(plan_path, encoding="utf-8") as handle:
        plan = json.load(handle)
    os.makedirs(out_dir, exist_ok=True)
    for spec in plan["files"]:
        rng = random.Random(f"{plan['seed']}:{spec['path']}")
        text = "".join(
            f"{i:08d} INFO {rng.choice(METHODS)} /api/v1/{rng.choice(ROUTES)} status={rng.choice(STATUSES)} "
            f"ms={rng.randrange(1000)}\\n"
            for i in range(12000)
        ).encode()
        path = os.path.join(out_dir, spec["path"])
        with open(path + ".tmp", "wb") as handle:
            left = spec["bytes"]
            while left > 0:
                n = min(CHUNK, left)
                if spec["kind"] == "random":
                    handle.write(rng.randbytes(n))
                else:
                    half = n // 2
                    handle.write(rng.randbytes(half))
                    handle.write((text * (1 + (n - half) // len(text)))[: n - half])
                left -= n
        os.replace(path + ".tmp", path)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: gen_outputs.py PLAN.json OUT_DIR")
    main(sys.argv[1], sys.argv[2])
'''

# MARK: - Command line

PROFILE_DEFAULTS = {
    "default": {"services": 100, "libs": 10, "files_per_target": 20, "commits": 20},
    "chain5000": {"targets": 5000, "width": 50, "commits": 0},
    "big-outputs": {"services": 4, "output_bytes": 1 << 30, "output_files": 32, "commits": 0},
}
PROFILE_OPTIONS = {
    "default": {"services", "libs", "files_per_target", "commits", "ninja"},
    "chain5000": {"targets", "width", "commits"},
    "big-outputs": {"services", "output_bytes", "output_files"},
}


def non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0: {text}")
    return value


def positive(text: str) -> int:
    value = non_negative(text)
    if value == 0:
        raise argparse.ArgumentTypeError("must be >= 1")
    return value


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="synth.py",
        description="Generate a deterministic synthetic fleet repository for fleet's benchmarks.",
        epilog="Prints a JSON summary on stdout; progress and timings go to stderr. See bench/README.md.",
    )
    parser.add_argument("out_dir", metavar="OUT_DIR", type=Path, help="where to create the git repository")
    parser.add_argument("--profile", choices=sorted(PROFILE_DEFAULTS), default="default")
    parser.add_argument("--services", type=non_negative, metavar="N", help="services (default 100; big-outputs: 4)")
    parser.add_argument("--libs", type=non_negative, metavar="M", help="libs (default 10)")
    parser.add_argument("--files-per-target", type=positive, metavar="F",
                        help="about F files per target (default 20; exactly F below 10)")
    parser.add_argument("--commits", type=non_negative, metavar="K",
                        help="commits after the initial import (default 20; chain5000: 0)")
    parser.add_argument("--seed", type=int, default=1, metavar="S", help="the seed of every random choice (default 1)")
    parser.add_argument("--targets", type=positive, metavar="T", help="chain5000: number of targets (default 5000)")
    parser.add_argument("--width", type=positive, metavar="W", help="chain5000: targets per layer (default 50)")
    parser.add_argument("--output-bytes", type=parse_bytes, metavar="SIZE",
                        help="big-outputs: total bytes the builds write, e.g. 1G, 256M (default 1G)")
    parser.add_argument("--output-files", type=positive, metavar="C",
                        help="big-outputs: number of output files over all services (default 32)")
    parser.add_argument("--ninja", action="store_true", help="default profile: also write OUT_DIR/bench/build.ninja")
    parser.add_argument("--files-list", type=Path, metavar="PATH",
                        help="also write every tracked file (relative to OUT_DIR), one per line, to PATH")
    parser.add_argument("--force", action="store_true", help="empty OUT_DIR first if it is not empty")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")
    args = parser.parse_args(argv)
    allowed = PROFILE_OPTIONS[args.profile]
    for option in ("services", "libs", "files_per_target", "commits", "targets", "width", "output_bytes",
                   "output_files", "ninja"):
        given = getattr(args, option)
        if given is not None and given is not False and option not in allowed:
            parser.error(f"--{option.replace('_', '-')} does not apply to --profile {args.profile}")
    for option, value in PROFILE_DEFAULTS[args.profile].items():
        if getattr(args, option) is None:
            setattr(args, option, value)
    if args.profile == "big-outputs":
        if args.services == 0:
            parser.error("--profile big-outputs needs at least one service")
        if args.output_files < args.services:
            parser.error("--output-files must be at least --services")
        if args.output_bytes < 4096 * args.output_files:
            parser.error("--output-bytes must be at least 4 KiB per output file")
    return args


def prepare_out_dir(out_dir: Path, force: bool) -> Path:
    out_dir = out_dir.expanduser().absolute()
    if out_dir.exists() and not out_dir.is_dir():
        raise SynthError(f"{out_dir} exists and is not a directory")
    if out_dir.is_dir() and any(out_dir.iterdir()):
        if not force:
            raise SynthError(f"{out_dir} is not empty (use --force to replace its contents)")
        real = out_dir.resolve()
        here = Path(__file__).resolve().parent
        if real == Path(real.anchor) or real == Path.home().resolve() or here.is_relative_to(real):
            raise SynthError(f"refusing to empty {real}: it is /, your home or holds this script")
        for child in real.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
    out_dir.mkdir(parents=True, exist_ok=True)
    return out_dir


def generate(args: argparse.Namespace, log: Callable[[str], None]) -> dict[str, object]:
    started = time.perf_counter()
    out_dir = prepare_out_dir(args.out_dir, args.force)
    run_git(out_dir, "init", "-q", "-b", BRANCH)
    run_git(out_dir, "config", "gc.auto", "0")
    gen = Generator(args, log)
    gen.fi = FastImport(out_dir)
    try:
        {"default": gen.generate_default, "chain5000": gen.generate_chain,
         "big-outputs": gen.generate_big_outputs}[args.profile]()
    except BaseException:
        gen.fi.abort()
        raise
    gen.fi.finish()
    imported = time.perf_counter()
    log(f"synth: fast-import of {len(gen.files):,} files and {gen.commit_count} commits: {imported - started:.1f} s")
    run_git(out_dir, "reset", "-q", "--hard", BRANCH)
    checked_out = time.perf_counter()
    log(f"synth: checkout: {checked_out - imported:.1f} s")
    if args.profile == "chain5000" or (args.profile == "default" and args.ninja):
        bench = out_dir / "bench"
        bench.mkdir(exist_ok=True)
        text = gen.ninja_chain() if args.profile == "chain5000" else gen.ninja_default()
        write_atomically(bench / "build.ninja", text.encode())
    if args.files_list is not None:
        listing = "".join(f"{path}\n" for path in sorted(gen.files))  # the order of `git ls-files`
        write_atomically(args.files_list.expanduser().absolute(), listing.encode())
    head = run_git(out_dir, "rev-parse", "HEAD").strip()
    summary: dict[str, object] = {
        "profile": args.profile,
        "services": len(gen.services),
        "libs": len(gen.libs),
        "files": len(gen.files),
        "bytes": sum(entry.size for entry in gen.files.values()),
        "commits": gen.commit_count - 1,
        "seed": args.seed,
        "head": head,
    }
    if args.profile == "default":
        summary["commit_kinds"] = {kind: gen.kinds.get(kind, 0) for kind, _ in COMMIT_MIX}
    if args.profile == "big-outputs":
        summary["output_bytes"] = args.output_bytes
        summary["output_files"] = args.output_files
    summary["seconds"] = round(time.perf_counter() - started, 2)
    return summary


def write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)  # mkstemp's 0600 would make the file private
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    log = (lambda _: None) if args.quiet else (lambda line: print(line, file=sys.stderr, flush=True))
    try:
        summary = generate(args, log)
    except (SynthError, OSError) as error:
        print(f"synth: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
