"""openapi-generator's recommendations for the spec, less the one kind answered elsewhere.

`openapi-generator-cli validate --recommend` notes "Unused model: X" for a schema that the spec
references only from an `x-` extension (the asynchronous variant's `AsyncCallback` and
`AsyncAccepted`, in `x-plivo-async`), because it does not follow extensions; `cargo xtask lint`
checks that every component is referenced, extensions included. Exits 1 on any other
recommendation, or on an unused model that nothing references.

Usage: ogen_recommendations.py OUTPUT_OF_VALIDATE SPEC
"""
import sys

import yaml


def extension_refs(node, inside=False, found=None):
    """Names of the components that `$ref`s inside `x-` extensions point at."""
    found = set() if found is None else found
    if isinstance(node, dict):
        for key, value in node.items():
            ext = inside or str(key).startswith("x-")
            if key == "$ref" and ext and isinstance(value, str):
                found.add(value.rsplit("/", 1)[-1])
            extension_refs(value, ext, found)
    elif isinstance(node, list):
        for value in node:
            extension_refs(value, inside, found)
    return found


def main() -> int:
    text = open(sys.argv[1]).read()
    spec = yaml.safe_load(open(sys.argv[2]))
    from_extensions = extension_refs(spec)
    notes = [line.strip()[2:] for line in text.splitlines() if line.strip().startswith("- ")]
    others = [
        n for n in notes
        if not (n.startswith("Unused model: ") and n.split(": ", 1)[1] in from_extensions)
    ]
    if not notes or others or "[error]" in text.lower():
        print("openapi-generator: " + ("; ".join(others) or "no verdict in its output"))
        return 1
    print(f"openapi-generator: {len(notes)} unused-model note(s), each referenced from an x- extension")
    return 0


if __name__ == "__main__":
    sys.exit(main())
