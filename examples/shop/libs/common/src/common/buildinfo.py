"""What a service's build recorded about itself (tools/pybuild.py writes <package>/_build.json)."""
from __future__ import annotations

import json
from importlib import resources


def build_info(package: str) -> dict:
    """{"name", "version", "libs": {lib: version}, "env": {VAR: value}} of the running build of `package`;
    a development fallback when the package runs from sources (no _build.json)."""
    try:
        text = resources.files(package).joinpath("_build.json").read_text(encoding="utf-8")
    except FileNotFoundError:
        return {"name": package.replace("_", "-"), "version": "0.0.0-dev", "libs": {}, "env": {}}
    return json.loads(text)
