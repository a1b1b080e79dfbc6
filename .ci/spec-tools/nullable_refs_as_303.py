"""Copy of the spec with its nullable references written the way OpenAPI 3.0.3 reads `nullable`.

Usage: nullable_refs_as_303.py SPEC.yaml OUT.json

The spec writes a nullable reference as `nullable: true` beside a one-element `allOf` and no
`type` (Participant.exit_time). progenitor, openapi-generator and the xtask lint read that as
"the referenced schema, or null". OpenAPI 3.0.3 (the "Clarify nullable" change) says `nullable`
only acts beside `type`, so ajv-based validators (Spectral, Redocly) cannot compile that schema
and skip the examples that use it. This copy turns each such schema into
`anyOf: [<the reference>, {enum: [null]}]`, which means the same under 3.0.3, so those validators
check every example in full. Prints the JSON pointer of each schema it rewrote.
"""

import json
import sys

import yaml


class _Loader(yaml.SafeLoader):
    """YAML 1.1 would turn an unquoted `2021-04-05 11:57:51+00:00` into a datetime: keep text."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _escape(key):
    return str(key).replace("~", "~0").replace("/", "~1")


def rewrite(node, pointer, changed):
    if isinstance(node, dict):
        all_of = node.get("allOf")
        if (
            node.get("nullable") is True
            and "type" not in node
            and isinstance(all_of, list)
            and len(all_of) == 1
        ):
            del node["nullable"]
            del node["allOf"]
            node["anyOf"] = [all_of[0], {"enum": [None]}]
            changed.append(pointer)
        for key, value in node.items():
            rewrite(value, f"{pointer}/{_escape(key)}", changed)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            rewrite(value, f"{pointer}/{index}", changed)


def main():
    source, target = sys.argv[1:3]
    with open(source, encoding="utf-8") as f:
        document = yaml.load(f, Loader=_Loader)
    changed = []
    rewrite(document, "#", changed)
    with open(target, "w", encoding="utf-8") as f:
        json.dump(document, f, indent=2, ensure_ascii=False)
        f.write("\n")
    for pointer in changed:
        print(f"  rewritten: {pointer}")
    print(f"  {len(changed)} nullable reference(s) rewritten into {target}")


if __name__ == "__main__":
    main()
