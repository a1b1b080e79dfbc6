"""Every example body of the spec with the component schema it must fit.

Read from the spec's JSON form (openapi/plivo-mpc.json, the same document as the YAML), so no
YAML library is needed. Every example of the spec sits in a request body or response component,
beside a `$ref` to a component schema; an example anywhere else, or beside an inline schema, is
an error here, so that the generator checks that use this list cannot skip one silently.
"""

import json


class SpecShapeError(Exception):
    pass


def examples(spec_json_path):
    """Yields (where, schema component name, example value) for every example of the spec."""
    with open(spec_json_path, encoding="utf-8") as f:
        doc = json.load(f)
    found = 0
    read = 0
    for kind in ("requestBodies", "responses"):
        for name, component in doc["components"].get(kind, {}).items():
            for media, content in component.get("content", {}).items():
                where = f"#/components/{kind}/{name}/content/{media}"
                ref = content.get("schema", {}).get("$ref", "")
                schema = ref.removeprefix("#/components/schemas/")
                if schema == ref:
                    raise SpecShapeError(f"{where}: the schema is not a component $ref")
                if "example" in content:
                    raise SpecShapeError(f"{where}: a single `example`; this list reads `examples`")
                read += "examples" in content
                for example_name, example in content.get("examples", {}).items():
                    if "value" not in example:
                        raise SpecShapeError(f"{where}/examples/{example_name}: no inline value")
                    found += 1
                    yield f"{where}/examples/{example_name}", schema, example["value"]
    # A media type or parameter with examples anywhere else would be missed above.
    everywhere = sum(1 for _ in _objects_with_examples(doc))
    if everywhere != read:
        raise SpecShapeError(f"{everywhere} media types in the spec have examples, {read} read here")
    if not found:
        raise SpecShapeError(f"{spec_json_path}: no examples found")


def _objects_with_examples(value):
    if isinstance(value, dict):
        # A media type object; a parameter (which has `in`) carries a value, not a body.
        if "schema" in value and "in" not in value and ("examples" in value or "example" in value):
            yield value
        for child in value.values():
            yield from _objects_with_examples(child)
    elif isinstance(value, list):
        for child in value:
            yield from _objects_with_examples(child)
