"""Prism's row: a summary of Stoplight Prism against the spec, read from the committed
`conformance/prism/PRISM.md` (written by `.ci/prism`, which runs after the matrix because it
also validates the requests the matrix's clients sent).

Per operation, Prism as the mock people use passes when its own three checks pass there: `prism
mock` served every documented response of the operation as the spec has it (mock examples), the
Rust client decoded each (client replay), and `prism proxy` let the spec's example requests
through (proxy: examples). The clients' requests through the proxy are the clients' results (the
rows above), not Prism's, so they are left out.
"""

from __future__ import annotations

import re

from .workspace import ROOT

PRISM_MD = ROOT / "conformance" / "prism" / "PRISM.md"
PRISM_CHECKS = ("mock examples", "client replay", "proxy: examples")


def prism_row(op_ids: list[str]) -> dict | None:
    """The row in results' form (report.render), or None when there is no PRISM.md."""
    if not PRISM_MD.exists():
        return None
    text = PRISM_MD.read_text()
    version = re.search(r"`@stoplight/prism-cli` ([0-9][^ ]*)", text)
    header, by_op = None, {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")] \
            if line.startswith("| ") else []
        if cells[:1] == ["operation"]:
            header = cells
        elif header and len(cells) == len(header) and cells[0].startswith("`"):
            by_op[cells[0].strip("`")] = dict(zip(header, cells))
    cells = {}
    for op_id in op_ids:
        got = by_op.get(op_id)
        if got is None:
            cells[op_id] = {"status": "skip", "note": "not in PRISM.md"}
            continue
        bad = [f"{c}: {got.get(c, 'missing')}" for c in PRISM_CHECKS
               if got.get(c, "").split(" ", 1)[0] != "pass"]
        cells[op_id] = {"status": "fail" if bad else "pass", "note": "; ".join(bad)}
    return {
        "id": "prism", "language": "JavaScript",
        "client": f"mock: Stoplight Prism {version.group(1) if version else '?'} (the committed "
                  "conformance/prism/PRISM.md, written by `.ci/prism`)",
        "cells": cells, "details": [], "seconds": 0.0, "operations_only": True,
    }
