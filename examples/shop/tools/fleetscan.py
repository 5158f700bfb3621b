#!/usr/bin/env python3
"""fleetscan: the shop fleet's source and artefact scanner (stdlib only).

    python3 fleetscan.py [--dist DIR] PATH...   scan the files under each PATH, and the built artefacts in DIR
    python3 fleetscan.py --list-shell PATH...   print the shell scripts under each PATH, one per line

Rules (every file is text unless it holds a NUL byte; dist/, build/ and caches are skipped):
  aws-access-key-id, aws-secret-access-key, private-key, github-token   secrets, also inside artefacts
  tab                 a tab character in a text file (Makefiles excepted)
  python-syntax       a .py file that does not compile
  python-eval         a call of eval() or exec()
  python-shell-true   a call with shell=True (pass an argument list instead)
  c-unsafe-call       gets/strcpy/strcat/sprintf/vsprintf in C (use the bounded variants)
  json-syntax         a .json file that does not parse

Findings print as `path:line:col: rule: message`, sorted. Exit status: 0 clean, 1 findings, 2 usage error.
A deliberate exception carries `fleetscan: ignore[rule]` in a comment on the same line.
"""
from __future__ import annotations

import argparse
import ast
import json
import re
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

SKIPPED_DIRS = {"dist", "build", "__pycache__", ".git", ".mypy_cache", ".pytest_cache"}
SECRETS = [
    ("aws-access-key-id", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"), "an AWS access key id"),
    ("aws-secret-access-key",
     re.compile(r"(?i)aws_?secret_?access_?key['\"]?\s*[:=]\s*['\"]?[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])"),
     "an AWS secret access key"),
    ("private-key", re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----"), "a private key"),
    ("github-token", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36}\b"), "a GitHub token"),
]
C_UNSAFE = re.compile(r"\b(gets|strcpy|strcat|sprintf|vsprintf)\s*\(")
SHEBANG_SHELL = re.compile(r"^#!\s*/(?:usr/)?bin/(?:env\s+)?(?:sh|bash|dash|ksh)\b")
IGNORE = re.compile(r"fleetscan:\s*ignore\[([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)\]")


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    column: int
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.rule}: {self.message}"


def walk(root: Path):
    """Files under `root` (or `root` itself), sorted, skipping build outputs and caches."""
    if root.is_file():
        yield root
        return
    for path in sorted(root.iterdir()):
        if path.is_dir() and not path.is_symlink():
            if path.name not in SKIPPED_DIRS:
                yield from walk(path)
        elif path.is_file():
            yield path


def is_shell_script(path: Path, text: str) -> bool:
    return path.suffix == ".sh" or bool(SHEBANG_SHELL.match(text))


def decode(data: bytes) -> str | None:
    """The text of a file, or None for a binary one."""
    if b"\0" in data:
        return None
    return data.decode("utf-8", errors="replace")


def position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


class Scanner:
    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.files = 0

    def report(self, path: str, text: str, line: int, column: int, rule: str, message: str) -> None:
        lines = text.splitlines()
        source_line = lines[line - 1] if 0 < line <= len(lines) else ""
        ignored = IGNORE.search(source_line)
        if ignored and rule in {name.strip() for name in ignored.group(1).split(",")}:
            return
        self.findings.append(Finding(path, line, column, rule, message))

    def secrets(self, path: str, text: str) -> None:
        for rule, pattern, what in SECRETS:
            for match in pattern.finditer(text):
                self.report(path, text, *position(text, match.start()), rule,
                            f"{what}: remove it and rotate it; secrets come from the environment")

    def source(self, path: Path, shown: str) -> None:
        self.files += 1
        try:
            text = decode(path.read_bytes())
        except OSError as error:
            self.findings.append(Finding(shown, 1, 1, "unreadable", error.strerror or str(error)))
            return
        if text is None:
            return
        self.secrets(shown, text)
        if path.name != "Makefile" and path.suffix != ".mk":
            for match in re.finditer("\t", text):
                self.report(shown, text, *position(text, match.start()), "tab", "tab character: indent with spaces")
        if path.suffix == ".py":
            self.python(shown, text)
        elif path.suffix in (".c", ".h"):
            for match in C_UNSAFE.finditer(text):
                self.report(shown, text, *position(text, match.start()), "c-unsafe-call",
                            f"{match.group(1)}() cannot bound its output: use the bounded variant (e.g. snprintf)")
        elif path.suffix == ".json":
            try:
                json.loads(text)
            except ValueError as error:
                line, column = getattr(error, "lineno", 1), getattr(error, "colno", 1)
                self.report(shown, text, line, column, "json-syntax", getattr(error, "msg", str(error)))

    def python(self, shown: str, text: str) -> None:
        try:
            tree = ast.parse(text, filename=shown)
        except SyntaxError as error:
            self.report(shown, text, error.lineno or 1, error.offset or 1, "python-syntax", error.msg)
            return
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            if isinstance(node.func, ast.Name) and node.func.id in ("eval", "exec"):
                self.report(shown, text, node.lineno, node.col_offset + 1, "python-eval",
                            f"{node.func.id}() runs arbitrary code: parse the data instead")
            for keyword in node.keywords:
                if keyword.arg == "shell" and isinstance(keyword.value, ast.Constant) and keyword.value.value is True:
                    self.report(shown, text, keyword.value.lineno, keyword.value.col_offset + 1, "python-shell-true",
                                "shell=True invites injection: pass an argument list")

    def artefacts(self, dist: Path) -> None:
        """Secrets inside built artefacts, zip members included: what ships is what matters."""
        for path in walk_all(dist):
            self.files += 1
            shown = path.as_posix()
            data = path.read_bytes()
            if zipfile.is_zipfile(path):
                try:
                    with zipfile.ZipFile(path) as archive:
                        for member in sorted(archive.namelist()):
                            self.secrets(f"{shown}!{member}", archive.read(member).decode("utf-8", "replace"))
                except (zipfile.BadZipFile, OSError) as error:
                    self.findings.append(Finding(shown, 1, 1, "artefact-unreadable", str(error)))
            else:
                self.secrets(shown, data.decode("latin-1"))


def walk_all(root: Path):
    for path in sorted(root.rglob("*")):
        if path.is_file():
            yield path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="fleetscan", description="Scan sources and artefacts for secrets and lint.")
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    parser.add_argument("--dist", type=Path, metavar="DIR", help="also scan the built artefacts in DIR")
    parser.add_argument("--list-shell", action="store_true", help="only list the shell scripts under PATH")
    args = parser.parse_args(argv)

    for path in args.paths + ([args.dist] if args.dist else []):
        if not path.exists():
            print(f"fleetscan: error: {path}: no such file or directory", file=sys.stderr)
            return 2

    if args.list_shell:
        for root in args.paths:
            for path in walk(root):
                text = decode(path.read_bytes()[:256])
                if text is not None and is_shell_script(path, text):
                    print(path.as_posix())
        return 0

    scanner = Scanner()
    for root in args.paths:
        for path in walk(root):
            scanner.source(path, path.as_posix())
    if args.dist:
        scanner.artefacts(args.dist)
    for finding in sorted(scanner.findings):
        print(finding)
    count = len(scanner.findings)
    print(f"fleetscan: {scanner.files} files, {count} finding{'s' if count != 1 else ''}", file=sys.stderr)
    return 1 if count else 0


if __name__ == "__main__":
    sys.exit(main())
