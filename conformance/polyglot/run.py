#!/usr/bin/env python3
"""Cross-language conformance matrix for openapi/plivo-mpc.yaml (`cargo xtask polyglot`).

`cargo xtask polyglot` starts the spec's mock (`plivo-mpc-mock`) on a free port and runs this
script with `--mock-url`. For every row (a language and a client: generated from the spec by
openapi-generator, or one of Plivo's official SDKs) it generates, builds and runs a small
committed harness under conformance/polyglot/<row>/ in scratch folders under
<target>/polyglot/ (the cargo target dir: CARGO_TARGET_DIR honoured), compares what the client
parsed with what the Rust client parsed (conformance/examples/reference_parse.rs), and checks
the requests the client sent, as the mock recorded them, against the spec. Each generated client
also calls every operation of the spec once (driven by the spec, by reflection: see
matrix/orchestrate.py), and the runner checks each of those requests too. The results go to
<target>/polyglot/results.json; conformance/polyglot/MATRIX.md is rendered from them.

The work is split by job in matrix/ (see matrix/__init__.py). Standard library only: it runs
on the system python3 and builds its own virtualenv.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# Nothing of the runner's own is written into the checkout (no __pycache__ beside the sources).
sys.dont_write_bytecode = True

from matrix import orchestrate, report, rows  # noqa: E402
from matrix import workspace as ws  # noqa: E402
from matrix.workspace import MATRIX, ROOT, StepError  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mock-url", help="the mock (cargo xtask polyglot starts it)")
    ap.add_argument("--prefetch", action="store_true",
                    help="only install and download what the rows need (no mock; .ci/prefetch "
                         "runs this while the Rust build keeps the cores busy)")
    ap.add_argument("--render", action="store_true",
                    help="only render MATRIX.md again from the last results JSON (no mock)")
    ap.add_argument("--spec", default=str(ws.DEFAULT_SPEC))
    ap.add_argument("--target-dir", help="the cargo target dir (default: what cargo says, "
                    "which honours CARGO_TARGET_DIR)")
    ap.add_argument("--only", help="comma-separated row ids (rust always runs); MATRIX.md is "
                    "not written")
    ap.add_argument("--no-write", action="store_true", help="print the matrix, do not write it")
    ap.add_argument("--fail-on-regression", action="store_true",
                    help="exit 1 when a cell that passes in the committed MATRIX.md fails now")
    args = ap.parse_args()
    spec = Path(args.spec).resolve()
    w = ws.configure(ws.find_target_dir(args.target_dir))

    if args.prefetch:
        try:
            rows.prefetch(spec)
        except StepError as e:
            print(f"polyglot prefetch: {e} (the run itself will try again)")
            return 1
        print("polyglot prefetch: done")
        return 0
    if args.render:
        if not w.results.exists():
            print(f"polyglot: no results at {w.results}: run the matrix first", file=sys.stderr)
            return 1
        results = report.read_results(w.results)
        if results.get("only"):
            print(f"polyglot: {w.results} holds only the rows {', '.join(results['only'])} "
                  "(an --only run): run the whole matrix first", file=sys.stderr)
            return 1
        MATRIX.write_text(report.render(results))
        print(f"polyglot: wrote {MATRIX.relative_to(ROOT)} from {w.results}")
        return 0
    if not args.mock_url:
        ap.error("--mock-url is required (cargo xtask polyglot starts the mock and passes it)")

    only = set(args.only.split(",")) if args.only else None
    old_matrix = MATRIX.read_text() if MATRIX.exists() else ""
    w.work.mkdir(parents=True, exist_ok=True)
    if w.logs.exists():
        import shutil
        shutil.rmtree(w.logs)
    try:
        results = orchestrate.run_matrix(spec, args.mock_url, only)
    except StepError as e:
        print(f"polyglot: {e}", file=sys.stderr)
        return 1
    # An --only run keeps the last whole run's results (what --render reads).
    out = w.results if only is None else w.work / "results-only.json"
    report.write_results(results, out)
    text = report.render(report.read_results(out))
    print()
    print(text)
    print(report.timings(results))
    print(f"polyglot: results in {out}")

    write = not args.no_write and only is None
    if args.fail_on_regression and old_matrix:
        lost, gone = report.regressions(old_matrix, text, (only | {"rust"}) if only else None)
        # An SDK run from source cannot be checked where its source is absent (no
        # ../shared/sdk): said, not counted as a regression.
        builds = {r["id"]: r["cells"].get("build", {}) for r in results["rows"]}
        absent = {rid: b["note"] for rid, b in builds.items()
                  if b.get("status") == "skip" and b["note"].startswith(rows.NO_SOURCE)}
        for rid, why in absent.items():
            print(f"polyglot: {rid} not checked: {why}")
        lost = [r for r in lost if r.split(" / ", 1)[0] not in absent]
        if gone:
            print(f"polyglot: columns of the committed MATRIX.md that the spec no longer has: "
                  f"{', '.join(gone)}")
        if lost:
            print("polyglot: cells that passed in the committed MATRIX.md fail now:",
                  file=sys.stderr)
            for r in lost:
                print(f"  {r}", file=sys.stderr)
            if write:
                MATRIX.write_text(text)
            return 1
    if write:
        changed = old_matrix != text
        MATRIX.write_text(text)
        print(f"polyglot: {'wrote' if changed else 'unchanged:'} {MATRIX.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
