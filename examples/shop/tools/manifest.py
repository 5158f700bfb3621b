#!/usr/bin/env python3
"""dist/manifest.json: what a target's build produced, and the lib dists it was built from.

Every build of the shop fleet ends by writing `dist/manifest.json`:

    {"name": ..., "version": ..., "kind": "python-lib" | "python-app" | "c-binary" | "bundle" | "shell-app",
     "artefact": "<main file, relative to dist>", "deps": [{"name", "version", "digest"}, ...],
     "files": [{"path", "size", "sha256"}, ...], "digest": "sha256:..."}

`files` lists every other file under dist/ in sorted order; `digest` is the SHA-256 of the length-prefixed
(path, sha256) pairs, so it names the exact bytes of the build. Deterministic: sorted keys, no timestamps.

Also a command, for builds that are not written in Python:

    python3 manifest.py DIST --name N --version V --kind K --artefact PATH [--dep LIBDIR]...
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
"""The fleet root (examples/shop): this file lives in its tools/ directory."""

KINDS = ("python-lib", "python-app", "c-binary", "bundle", "shell-app")


class BuildError(Exception):
    """A build failed for a reason the user can fix; the message says what and where."""


def lib_dir(name: str) -> Path:
    """The directory of the lib called `name` (libs live in //libs/<name>)."""
    return ROOT / "libs" / name


def read_manifest(dist: Path) -> dict:
    path = dist / "manifest.json"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BuildError(f"{display(path)}: not found; build that target first (the build action needs ^build)")
    except (OSError, ValueError) as error:
        raise BuildError(f"{display(path)}: unreadable: {error}")
    required = ("name", "version", "artefact", "digest")
    if not isinstance(manifest, dict) or not all(isinstance(manifest.get(key), str) for key in required):
        raise BuildError(f"{display(path)}: not a build manifest (rebuild that target)")
    return manifest


def dependency_closure(names: list[str]) -> list[tuple[str, Path, dict]]:
    """Every lib reachable from `names` through the `deps` of their built manifests, as (name, dist, manifest),
    sorted by name. Reads only built dists, so it sees exactly what the libs' builds produced."""
    seen: dict[str, tuple[Path, dict]] = {}
    pending = list(names)
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        dist = lib_dir(name) / "dist"
        manifest = read_manifest(dist)
        if manifest.get("name") != name:
            raise BuildError(f"{display(dist / 'manifest.json')}: describes {manifest.get('name')!r}, not {name!r}")
        seen[name] = (dist, manifest)
        pending.extend(dep["name"] for dep in manifest.get("deps", []))
    return [(name, *seen[name]) for name in sorted(seen)]


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_atomically(path: Path, data: bytes, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.partial")
    temporary.write_bytes(data)
    os.chmod(temporary, mode)
    os.replace(temporary, path)


def write_manifest(dist: Path, *, name: str, version: str, kind: str, artefact: str,
                   deps: list[tuple[str, Path, dict]]) -> dict:
    """Writes dist/manifest.json describing every other file in `dist` and returns it."""
    if kind not in KINDS:
        raise BuildError(f"unknown artefact kind {kind!r} (one of {', '.join(KINDS)})")
    if not (dist / artefact).is_file():
        raise BuildError(f"{display(dist / artefact)}: the build did not produce its artefact")
    files = []
    digest = hashlib.sha256()
    for path in sorted(p for p in dist.rglob("*") if p.is_file() and p.name != "manifest.json"):
        relative = path.relative_to(dist).as_posix()
        data = path.read_bytes()
        entry = {"path": relative, "size": len(data), "sha256": sha256_hex(data)}
        files.append(entry)
        for field in (relative, entry["sha256"]):
            encoded = field.encode("utf-8")
            digest.update(len(encoded).to_bytes(8, "big") + encoded)
    manifest = {
        "name": name,
        "version": version,
        "kind": kind,
        "artefact": artefact,
        "deps": [{"name": dep, "version": m["version"], "digest": m["digest"]} for dep, _, m in deps],
        "files": files,
        "digest": "sha256:" + digest.hexdigest(),
    }
    write_atomically(dist / "manifest.json", (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode())
    return manifest


def display(path: Path) -> str:
    """`path` relative to the current directory when it is below it, else relative to the fleet root."""
    path = path.resolve() if not path.is_absolute() else path
    for base in (Path.cwd(), ROOT):
        try:
            return path.relative_to(base).as_posix()
        except ValueError:
            continue
    return str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="manifest.py", description="Write DIST/manifest.json.")
    parser.add_argument("dist", type=Path)
    parser.add_argument("--name", required=True)
    parser.add_argument("--version", required=True)
    parser.add_argument("--kind", required=True, choices=KINDS)
    parser.add_argument("--artefact", required=True, help="the main file, relative to DIST")
    parser.add_argument("--dep", action="append", default=[], metavar="LIB",
                        help="name of a lib this build used (its dist/manifest.json is recorded)")
    args = parser.parse_args(argv)
    try:
        deps = [(name, dist, manifest) for name, dist, manifest in dependency_closure(args.dep)
                if name in args.dep]
        write_manifest(args.dist, name=args.name, version=args.version, kind=args.kind,
                       artefact=args.artefact, deps=deps)
    except BuildError as error:
        print(f"manifest: error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
