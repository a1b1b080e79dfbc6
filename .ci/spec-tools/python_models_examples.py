"""Decodes every example of the spec with the pydantic models that datamodel-code-generator made.

Usage: python_models_examples.py SPEC.json MODELS.py [--allow-null-at-nullable]

Each example must validate (`model_validate`) against the class named after its component
schema. With --allow-null-at-nullable, a failure is accepted when every error in it is a null at
a property the spec declares `type: ... nullable: true`: datamodel-code-generator run without
flags reads such a property, when it is required, as not nullable (its `--strict-nullable` reads
it as the spec says), which is the tool's default and not something the spec can change (no
OpenAPI 3.0 form of "required and nullable" is read otherwise). Each accepted failure is listed;
any other failure fails the check.
"""

import importlib.util
import json
import sys

import pydantic

from spec_examples import examples


def load_module(path):
    spec = importlib.util.spec_from_file_location("generated_models", path)
    module = importlib.util.module_from_spec(spec)
    # pydantic looks generic models' module up in sys.modules while the module runs.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def schema_at(doc, schema_name, loc):
    """The spec's schema of the property at pydantic's error location, or None."""
    schemas = doc["components"]["schemas"]
    node = schemas[schema_name]
    for step in loc:
        while "$ref" in node:
            node = schemas[node["$ref"].removeprefix("#/components/schemas/")]
        if isinstance(step, int):
            node = node.get("items")
        else:
            node = node.get("properties", {}).get(step)
        if node is None:
            return None
    return node


def main(spec_json, models_path, *options):
    allow_null_at_nullable = "--allow-null-at-nullable" in options
    with open(spec_json, encoding="utf-8") as f:
        doc = json.load(f)
    models = load_module(models_path)
    passed, accepted, failed = 0, [], []
    for where, schema, value in examples(spec_json):
        model = getattr(models, schema, None)
        if model is None:
            failed.append(f"{where}: no class {schema} in {models_path}")
            continue
        try:
            model.model_validate(value)
            passed += 1
        except pydantic.ValidationError as error:
            problems = error.errors()
            nulls_at_nullable = all(
                p["input"] is None and (schema_at(doc, schema, p["loc"]) or {}).get("nullable") is True
                for p in problems
            )
            places = ", ".join(".".join(map(str, p["loc"])) for p in problems)
            if allow_null_at_nullable and nulls_at_nullable:
                accepted.append(f"{where}: null at nullable {places}")
            else:
                failed.append(f"{where}: {error}")
    for line in accepted:
        print(f"accepted (tool default, see --strict-nullable): {line}")
    for line in failed:
        print(f"FAILED: {line}")
    print(f"{passed} examples decode, {len(accepted)} accepted, {len(failed)} fail")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
