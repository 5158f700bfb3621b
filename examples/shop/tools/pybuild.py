#!/usr/bin/env python3
"""Builds a Python target of the shop fleet into dist/, deterministically (stdlib only).

Run in the target's directory, as fleet runs every action:  python3 ../../tools/pybuild.py

Reads pyproject.toml:
  [project]            name, version, dependencies (names of libs in //libs), optional scripts
  [project.scripts]    a service has exactly one entry point "name = package.module:function"
  [tool.shop.build]    include = {"<archive path>" = "<file>"}  extra files, a "//" prefix = the fleet root
                       bake-env = ["VAR", ...]  env vars whose values are recorded in <package>/_build.json

A lib becomes a wheel, dist/<name>-<version>-py3-none-any.whl (pure Python, importable straight from the zip).
A service becomes a zipapp, dist/<name>.pyz (PEP 441, made with the zipapp module): its package, every lib it
needs transitively, unpacked from the libs' built wheels (which is why build needs ^build), and __main__.py.
Then dist/manifest.json (see manifest.py). Same inputs, same bytes: sorted entries, fixed dates and modes.
"""
from __future__ import annotations

import base64
import fnmatch
import hashlib
import io
import json
import os
import re
import shutil
import sys
import tomllib
import zipapp
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

sys.dont_write_bytecode = True  # actions write only their declared outputs: no __pycache__ next to the tools

from manifest import ROOT, BuildError, dependency_closure, display, write_atomically, write_manifest  # noqa: E402

ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip can hold; no build time leaks into artefacts
NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
ENTRY_POINT = re.compile(r"^([A-Za-z_][A-Za-z0-9_.]*):([A-Za-z_][A-Za-z0-9_]*)$")
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Never packaged: what examples/shop/.gitignore ignores in sources (ignored files are never inputs, so a build
# that shipped them would depend on something fleet does not hash).
IGNORED = ("__pycache__", "*.pyc", "*.swp", "*~", ".DS_Store")


@dataclass
class Project:
    name: str
    version: str
    summary: str
    dependencies: list[str]
    entry_point: str | None  # "package.module:function" for a service, None for a lib
    include: dict[str, str] = field(default_factory=dict)
    bake_env: list[str] = field(default_factory=list)

    @property
    def package(self) -> str:
        return self.name.replace("-", "_")


def load_project(target: Path) -> Project:
    path = target / "pyproject.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BuildError(f"{display(path)}: not found (a Python target needs one)")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise BuildError(f"{display(path)}: {error}")

    def fail(message: str):
        raise BuildError(f"{display(path)}: {message}")

    project = data.get("project")
    if not isinstance(project, dict):
        fail("missing [project] table")
    name, version = project.get("name"), project.get("version")
    if not isinstance(name, str) or not NAME.match(name):
        fail(f"project.name must match {NAME.pattern}, got {name!r}")
    if not isinstance(version, str) or not re.match(r"^\d+\.\d+\.\d+$", version):
        fail(f"project.version must look like 1.2.3, got {version!r}")
    dependencies = project.get("dependencies", [])
    if not isinstance(dependencies, list) or not all(isinstance(d, str) and NAME.match(d) for d in dependencies):
        fail("project.dependencies must be a list of lib names")
    if len(set(dependencies)) != len(dependencies):
        fail("project.dependencies lists a lib twice")
    scripts = project.get("scripts", {})
    if not isinstance(scripts, dict) or len(scripts) > 1:
        fail("project.scripts must hold at most one entry point (a service has exactly one)")
    entry_point = next(iter(scripts.values()), None)
    if entry_point is not None and not (isinstance(entry_point, str) and ENTRY_POINT.match(entry_point)):
        fail(f"entry point must look like package.module:function, got {entry_point!r}")
    build = data.get("tool", {})
    for key in ("shop", "build"):
        build = build.get(key, {}) if isinstance(build, dict) else None
    if not isinstance(build, dict):
        fail("tool.shop.build must be a table")
    include, bake_env = build.get("include", {}), build.get("bake-env", [])
    if not isinstance(include, dict) or not all(isinstance(v, str) for v in include.values()):
        fail("tool.shop.build.include must map archive paths to files")
    for archive_path in include:
        parts = archive_path.split("/")
        if archive_path.startswith("/") or ".." in parts or "" in parts:
            fail(f"tool.shop.build.include: {archive_path!r} must be a relative path inside the archive")
    if not isinstance(bake_env, list) or not all(isinstance(v, str) and ENV_NAME.match(v) for v in bake_env):
        fail("tool.shop.build.bake-env must be a list of environment variable names")
    return Project(name, version, str(project.get("description", "")), sorted(dependencies), entry_point,
                   include, bake_env)


def package_files(target: Path, project: Project) -> dict[str, bytes]:
    """The files of src/<package>/, keyed by archive path; bytecode caches are never packaged."""
    package_dir = target / "src" / project.package
    if not package_dir.is_dir():
        raise BuildError(f"{display(package_dir)}: not found (the package of {project.name})")
    files = {}
    for path in sorted(package_dir.rglob("*")):
        relative = path.relative_to(target / "src")
        if path.is_file() and not any(fnmatch.fnmatch(part, pattern) for part in relative.parts for pattern in IGNORED):
            files[relative.as_posix()] = path.read_bytes()
    if f"{project.package}/__init__.py" not in files:
        raise BuildError(f"{display(package_dir)}: has no __init__.py")
    return files


def included_files(target: Path, project: Project) -> dict[str, bytes]:
    files = {}
    for archive_path, source in sorted(project.include.items()):
        path = ROOT / source[2:] if source.startswith("//") else target / source
        try:
            files[archive_path] = path.read_bytes()
        except OSError as error:
            raise BuildError(f"tool.shop.build.include[{archive_path!r}]: {display(path)}: {error.strerror}")
    return files


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    """A zip of `entries` that depends only on their names and contents."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.create_system = 3  # Unix, so the mode below is honoured everywhere
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, entries[name], compresslevel=9)
    return buffer.getvalue()


def record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def build_wheel(project: Project, files: dict[str, bytes]) -> tuple[str, bytes]:
    dist_info = f"{project.package}-{project.version}.dist-info"
    metadata = ["Metadata-Version: 2.1", f"Name: {project.name}", f"Version: {project.version}"]
    if project.summary:
        metadata.append(f"Summary: {project.summary}")
    metadata += [f"Requires-Dist: {dep}" for dep in project.dependencies]
    entries = dict(files)
    entries[f"{dist_info}/METADATA"] = ("\n".join(metadata) + "\n").encode()
    entries[f"{dist_info}/WHEEL"] = (
        b"Wheel-Version: 1.0\nGenerator: shop-pybuild\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
    entries[f"{dist_info}/top_level.txt"] = f"{project.package}\n".encode()
    record = [f"{name},{record_hash(data)},{len(data)}" for name, data in sorted(entries.items())]
    entries[f"{dist_info}/RECORD"] = ("\n".join(record + [f"{dist_info}/RECORD,,"]) + "\n").encode()
    return f"{project.package}-{project.version}-py3-none-any.whl", zip_bytes(entries)


def build_zipapp(project: Project, files: dict[str, bytes], libs: list[tuple[str, Path, dict]]) -> tuple[str, bytes]:
    entries = dict(files)
    for name, dist, manifest in libs:
        wheel = dist / manifest["artefact"]
        try:
            with zipfile.ZipFile(wheel) as archive:
                for member in sorted(archive.namelist()):
                    if member.split("/", 1)[0].endswith(".dist-info"):
                        continue
                    if member in entries:
                        raise BuildError(f"{member}: provided both by lib {name} and by {project.name} or another lib")
                    entries[member] = archive.read(member)
        except (OSError, zipfile.BadZipFile) as error:
            raise BuildError(f"{display(wheel)}: cannot read the wheel of lib {name}: {error}")
    module, function = project.entry_point.split(":")
    entries["__main__.py"] = (
        f"# Generated by tools/pybuild.py: the entry point of {project.name}.\n"
        f"import sys\n\nfrom {module} import {function}\n\nsys.exit({function}())\n"
    ).encode()
    archive = io.BytesIO()
    zipapp.create_archive(io.BytesIO(zip_bytes(entries)), archive, interpreter="/usr/bin/env python3")
    return f"{project.name}.pyz", archive.getvalue()


def build(target: Path, project: Project, extra: dict[str, bytes] | None = None,
          extra_dist: dict[str, bytes] | None = None) -> dict:
    """Builds `project` from `target` into target/dist, replacing what was there. `extra` adds files to the
    archive (generated sources), `extra_dist` adds files next to it in dist/. Returns the manifest."""
    files = package_files(target, project)
    files.update(included_files(target, project))
    files.update(extra or {})
    libs = dependency_closure(project.dependencies)
    if project.bake_env or project.entry_point:
        build_info = {
            "name": project.name,
            "version": project.version,
            "libs": {name: manifest["version"] for name, _, manifest in libs},
            "env": {name: os.environ.get(name, "") for name in sorted(project.bake_env)},
        }
        files[f"{project.package}/_build.json"] = (json.dumps(build_info, indent=2, sort_keys=True) + "\n").encode()

    if project.entry_point is None:
        artefact, data = build_wheel(project, files)
        kind, mode = "python-lib", 0o644
        recorded = [lib for lib in libs if lib[0] in project.dependencies]
    else:
        artefact, data = build_zipapp(project, files, libs)
        kind, mode = "python-app", 0o755
        recorded = libs

    dist = target / "dist"
    shutil.rmtree(dist, ignore_errors=True)  # never ship a stale file from an earlier build
    write_atomically(dist / artefact, data, mode)
    for name, content in sorted((extra_dist or {}).items()):
        write_atomically(dist / name, content)
    return write_manifest(dist, name=project.name, version=project.version, kind=kind, artefact=artefact,
                          deps=recorded)


def main() -> int:
    target = Path.cwd()
    try:
        manifest = build(target, load_project(target))
    except BuildError as error:
        print(f"pybuild: error: {error}", file=sys.stderr)
        return 1
    print(f"pybuild: {manifest['name']} {manifest['version']} -> dist/{manifest['artefact']} "
          f"({manifest['digest'][:19]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
