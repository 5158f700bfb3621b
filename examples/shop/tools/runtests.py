#!/usr/bin/env python3
"""Runs a Python target's unit tests against its built artefact, not its sources.

Run in the target's directory, as fleet runs every action:  python3 ../../tools/runtests.py

Puts dist/<artefact> on sys.path (a service's zipapp holds its libs; a lib's wheel needs its deps' wheels too),
checks that the target's package really is imported from there, then runs `unittest discover` on tests/.
Fails when a test fails or errors, and when there is no test at all. Writes nothing (no bytecode caches).
"""
from __future__ import annotations

import importlib
import sys
import unittest
from pathlib import Path

sys.dont_write_bytecode = True

from manifest import BuildError, dependency_closure, display, read_manifest  # noqa: E402


def main() -> int:
    target = Path.cwd()
    try:
        manifest = read_manifest(target / "dist")
        if manifest.get("kind") not in ("python-lib", "python-app") or not isinstance(manifest.get("artefact"), str):
            raise BuildError(f"dist/manifest.json: not the manifest of a Python build (kind {manifest.get('kind')!r})")
        artefact = (target / "dist" / manifest["artefact"]).resolve()
        path = [str(artefact)]
        if manifest["kind"] == "python-lib":
            libs = dependency_closure([dep["name"] for dep in manifest.get("deps", [])])
            path += [str((dist / m["artefact"]).resolve()) for _, dist, m in libs]
        if not (target / "tests").is_dir():
            raise BuildError(f"{display(target / 'tests')}: not found; every target has tests")
    except BuildError as error:
        print(f"runtests: error: {error}", file=sys.stderr)
        return 1

    sys.path[:0] = path
    package = manifest["name"].replace("-", "_")
    try:
        module = importlib.import_module(package)
    except ImportError as error:
        print(f"runtests: error: cannot import {package} from {display(artefact)}: {error}", file=sys.stderr)
        return 1
    if not str(Path(module.__file__)).startswith(str(artefact)):
        print(f"runtests: error: {package} was imported from {module.__file__}, not from {display(artefact)}",
              file=sys.stderr)
        return 1

    suite = unittest.defaultTestLoader.discover(str(target / "tests"), top_level_dir=str(target / "tests"))
    if suite.countTestCases() == 0:
        print(f"runtests: error: no tests found in {display(target / 'tests')}", file=sys.stderr)
        return 1
    result = unittest.TextTestRunner(stream=sys.stdout, verbosity=1).run(suite)
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
