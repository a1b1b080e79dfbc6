"""Writes a TypeScript file that gives every example of the spec the type openapi-typescript made
for its schema, so that `tsc --strict --noEmit` checks each example against the generated types.

Usage: typescript_examples.py SPEC.json TYPES_MODULE OUT.ts

TYPES_MODULE is the import path of openapi-typescript's output (without `.d.ts`), relative to
OUT.ts. An object literal with a key the type lacks, a null where the type has no `| null`, or a
value outside an enum is a compile error naming the example's constant.
"""

import json
import re
import sys

from spec_examples import examples


def main(spec_json, types_module, out_path):
    lines = [f'import type {{ components }} from "{types_module}";', ""]
    count = 0
    for where, schema, value in examples(spec_json):
        name = "example_" + re.sub(r"[^A-Za-z0-9]+", "_", where.removeprefix("#/components/"))
        lines.append(f"// {where}")
        lines.append(
            f'export const {name}: components["schemas"][{json.dumps(schema)}] = '
            f"{json.dumps(value, indent=2)};"
        )
        count += 1
    with open(out_path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print(f"{count} examples written to {out_path}")


if __name__ == "__main__":
    main(*sys.argv[1:])
