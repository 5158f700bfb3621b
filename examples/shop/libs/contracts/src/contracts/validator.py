"""A small JSON Schema validator: the subset of draft 2020-12 the shop's contracts use, and nothing else.

`check_schema` rejects a keyword outside that subset, so a contract can never rely on a rule that is silently
ignored. Keys starting with `x-` are annotations (e.g. `x-queue`), free for tools to read.
"""
from __future__ import annotations

import re

TYPES = {
    "object": dict, "array": list, "string": str, "boolean": bool, "null": type(None),
    "integer": int, "number": (int, float),
}
FORMATS = {
    "email": re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$"),
    "date-time": re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"),
}
ANNOTATIONS = {"$schema", "$id", "title", "description", "examples"}
KEYWORDS = ANNOTATIONS | {
    "type", "properties", "required", "additionalProperties", "items", "enum", "const", "pattern", "format",
    "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum", "minItems", "maxItems",
}


class ContractError(ValueError):
    """A document that breaks a contract; `errors` holds one `path: message` per problem."""

    def __init__(self, contract: str, errors: list[str]) -> None:
        super().__init__(f"{contract}: " + "; ".join(errors))
        self.contract, self.errors = contract, errors


def check_schema(schema: object, path: str = "$") -> list[str]:
    """Problems with a schema itself: unknown keywords, keyword values of the wrong shape."""
    if not isinstance(schema, dict):
        return [f"{path}: a schema must be an object"]
    problems = []
    for key, value in schema.items():
        where = f"{path}.{key}"
        if key.startswith("x-"):
            continue
        if key not in KEYWORDS:
            problems.append(f"{where}: unsupported keyword (supported: {', '.join(sorted(KEYWORDS))})")
        elif key == "type":
            kinds = value if isinstance(value, list) else [value]
            problems += [f"{where}: unknown type {kind!r}" for kind in kinds if kind not in TYPES]
        elif key == "properties":
            if not isinstance(value, dict):
                problems.append(f"{where}: must be an object")
            else:
                for name, sub in value.items():
                    problems += check_schema(sub, f"{where}.{name}")
        elif key in ("items",):
            problems += check_schema(value, where)
        elif key == "required" and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            problems.append(f"{where}: must be a list of property names")
        elif key == "additionalProperties" and not isinstance(value, bool):
            problems.append(f"{where}: only true or false are supported")
        elif key == "pattern":
            try:
                re.compile(value)
            except (re.error, TypeError) as error:
                problems.append(f"{where}: invalid pattern: {error}")
        elif key == "format" and value not in FORMATS:
            problems.append(f"{where}: unknown format {value!r} (known: {', '.join(sorted(FORMATS))})")
    required = schema.get("required", [])
    properties = schema.get("properties", {})
    if isinstance(required, list) and isinstance(properties, dict) and schema.get("additionalProperties") is False:
        problems += [f"{path}.required: {name!r} is not among the properties" for name in required
                     if name not in properties]
    return problems


def _is_type(value: object, kind: str) -> bool:
    if kind in ("integer", "number") and isinstance(value, bool):
        return False
    if kind == "integer" and isinstance(value, float):
        return value.is_integer()
    return isinstance(value, TYPES[kind])


def errors_for(schema: dict, value: object, path: str = "$") -> list[str]:
    """Every way `value` breaks `schema`, as `path: message` (paths like $.items[0].sku)."""
    if "type" in schema:
        kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_is_type(value, kind) for kind in kinds):
            return [f"{path}: expected {' or '.join(kinds)}, got {type(value).__name__}"]
    problems = []
    if "const" in schema and value != schema["const"]:
        problems.append(f"{path}: must be {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{path}: must be one of {', '.join(map(repr, schema['enum']))}")
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            problems.append(f"{path}: shorter than {schema['minLength']} characters")
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            problems.append(f"{path}: longer than {schema['maxLength']} characters")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            problems.append(f"{path}: does not match {schema['pattern']}")
        if "format" in schema and not FORMATS[schema["format"]].match(value):
            problems.append(f"{path}: not a valid {schema['format']}")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            problems.append(f"{path}: below the minimum {schema['minimum']}")
        if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
            problems.append(f"{path}: must be greater than {schema['exclusiveMinimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            problems.append(f"{path}: above the maximum {schema['maximum']}")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            problems.append(f"{path}: needs at least {schema['minItems']} items")
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            problems.append(f"{path}: allows at most {schema['maxItems']} items")
        if "items" in schema:
            for index, item in enumerate(value):
                problems += errors_for(schema["items"], item, f"{path}[{index}]")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        problems += [f"{path}: missing required property {name!r}" for name in schema.get("required", [])
                     if name not in value]
        for name in sorted(value):
            if name in properties:
                problems += errors_for(properties[name], value[name], f"{path}.{name}")
            elif schema.get("additionalProperties", True) is False:
                problems.append(f"{path}: unexpected property {name!r}")
    return problems
