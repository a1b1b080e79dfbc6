"""Report: the results as JSON under the target dir (`<target>/polyglot/results.json`, with the
timings), and MATRIX.md rendered from that JSON alone.

MATRIX.md holds only what the rows showed: no timing, port, path of this machine or spec hash,
so that running the matrix again leaves it byte-for-byte the same unless a result changed.
"""

from __future__ import annotations

import json
from pathlib import Path


def write_results(results: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n")


def read_results(path: Path) -> dict:
    return json.loads(path.read_text())


def cell_text(cell: dict) -> str:
    note = cell["note"].replace("|", "\\|").replace("\n", " ")
    return f"{cell['status']}: {note}" if note else cell["status"]


def table(rows: list[dict], cols: list[str]) -> list[str]:
    """A Markdown table: id, language, client, then one column per name in cols (read_matrix
    reads every such table back)."""
    lines = ["| id | language | client | " + " | ".join(cols) + " |",
             "|---|---|---|" + "---|" * len(cols)]
    for r in rows:
        cells = [cell_text(r["cells"].get(c, {"status": "skip", "note": ""})) for c in cols]
        lines.append(f"| {r['id']} | {r['language']} | {r['client']} | " + " | ".join(cells) +
                     " |")
    return lines


def render(results: dict) -> str:
    cols = results["columns"]
    op_cols = results.get("op_columns", [])
    ops = " and ".join(f"`{op}`" for op in results["operations"])
    lines = [
        "# Cross-language conformance matrix",
        "",
        "Written by `cargo xtask polyglot` (`conformance/polyglot/run.py`) from its results "
        "(`<target>/polyglot/results.json`, which also keeps the timings); do not edit by hand.",
        f"Spec `{results['spec']['path']}`, {results['generator']}. Each generated client is "
        f"generated from the whole spec; the example and request-check columns call {ops}. "
        "Each example cell: the client "
        "listed the participants by name and by uuid from the mock serving that example (its "
        "base URL is `<mock>/__example/NAME`), and its parse, printed as JSON with the API's "
        "field names, equals the Rust client's (`reference_parse`). Request check: by name and "
        "by uuid, with and without `call_uuid`, and the name "
        f"`{results['encoded_name']}` (one percent-encoded path segment in the spec), each "
        "request's method, path, query and Basic auth as the spec says, as the mock recorded it "
        "(`GET /__mock/requests`). Operations: every generated client that runs also calls "
        f"each of the spec's {results.get('all_operations', '?')} operations once, driven by "
        "the spec alone (operationId, method, path, the path parameters' examples, the first "
        "example of each requestBody) through its language's reflection on the generated API "
        "classes, with no code per operation; each call must reach the mock with the spec's "
        "method and path (segments decoded), no query beyond a parameter at its default, the "
        "JSON body equal to the example and Basic auth, and the client must decode the mock's "
        "default answer without error. Operations with query: each operation that has query "
        "parameters is called once more with every one set to its example (by the "
        "generator's naming: the name as given, camelCase, or position), and the query the "
        "mock recorded must hold each with that value. Plivo's SDKs call each operation they "
        "implement through a table in their harness (operationId -> the SDK's method, the "
        "arguments built from the same path values, body example and query); an operation "
        "with no method in the SDK is `skip: not in the client`. A field at the spec's schema "
        "default that a client sends unasked, or leaves out, is a note, not a failure. "
        "Examples of every operation: each client also calls each operation once per response "
        "example (every status) at that example's base URL, and its parse, as JSON with the "
        "API's names, must equal the Rust client's reading of the same example "
        "(`reference_parse` through `call_by_operation_id`; the Rust row's readings are held "
        "to the example values, which the replay suite proves it writes back exactly). An "
        "error is compared by the status and body the client's exception carries; an exception "
        "that carries no status is a note (`raises <type>`), a different status or body a "
        "failure. "
        "`.ci/polyglot` fails when a cell that passes here fails.",
        "",
        "## By operation",
        "",
        "One cell per operation of the spec: its request (method, path, query, JSON body, Basic "
        "auth) and its answer decoded, and its response examples parsed as the Rust client "
        "reads them (`examples` passed/total, with the first difference); for the participant "
        "list also the listing by name and by uuid of each 200 example and the request check. "
        "The notes per row are under *What differs*. "
        "The `prism` row summarises Stoplight Prism as a mock of the spec from the committed "
        "`conformance/prism/PRISM.md` (`.ci/prism` runs after the matrix): per operation, its "
        "mock served every documented response, the Rust client decoded each, and its proxy let "
        "the spec's example requests through.",
        "",
    ]
    lines += table(results["rows"], op_cols)
    lines += [
        "",
        "## Participant list, examples and summaries",
        "",
    ]
    lines += table([r for r in results["rows"] if not r.get("operations_only")], cols)
    lines += ["", "## What differs", ""]
    for r in results["rows"]:
        if r["details"]:
            lines += [f"### {r['id']}", ""] + [f"- {d}" for d in r["details"]] + [""]
    return "\n".join(lines).rstrip() + "\n"


def timings(results: dict) -> str:
    """The timings, for the terminal (never for MATRIX.md)."""
    rows = ", ".join(f"{r['id']} {r['seconds']:.0f} s" for r in results["rows"])
    return f"polyglot: {rows}; total {results['seconds']:.0f} s (with setup)"


def read_matrix(text: str) -> tuple[list[str], dict[tuple[str, str], str]]:
    """The result columns of every table, and (row id, column) -> pass|fail|skip, from a
    MATRIX.md."""
    out, header, columns = {}, None, []
    for line in text.splitlines():
        if not line.startswith("| "):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if cells[0] == "id":
            # The id, language and client columns; an older MATRIX.md ended with a time column.
            header = [c for c in cells if c != "time"]
            columns += [c for c in header[3:] if c not in columns]
            continue
        if header and len(cells) >= len(header):
            for col, cell in zip(header[3:], cells[3:]):
                out[(cells[0], col)] = cell.split(":", 1)[0].strip()
    return columns, out


def regressions(old: str, new: str, rows: set[str] | None = None) -> tuple[list[str], list[str]]:
    """Cells that passed in `old` and do not pass in `new` (only `rows`, when given), and the
    columns of `old` that `new` no longer has (an example renamed or removed in the spec)."""
    old_cols, before = read_matrix(old)
    new_cols, after = read_matrix(new)
    gone = [c for c in old_cols if c not in new_cols]
    lost = [f"{rid} / {col}: pass -> {after.get((rid, col), 'missing')}"
            for (rid, col), status in sorted(before.items())
            if status == "pass" and col in new_cols and (rows is None or rid in rows)
            and after.get((rid, col)) != "pass"]
    return lost, gone
