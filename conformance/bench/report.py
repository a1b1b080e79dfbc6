#!/usr/bin/env python3
"""Renders the benchmark's results (the JSON `cargo xtask bench` writes) as Markdown.

    python3 report.py RESULTS.json [-o OUT.md]

`cargo xtask bench` writes its results to the target dir (`bench/results.json`, quick mode
`bench/quick/results.json`) and renders them with this script; a full run of every section also
copies them to conformance/bench/BENCHMARKS.json and BENCHMARKS.md. The output depends only on
the JSON and NOTES.md (which a full run's report ends with), so rendering the committed JSON gives
the committed Markdown byte for byte (`cargo xtask bench --quick` checks that). Standard library
only; nothing is measured here.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

# Targets (issues 6 and 15).
MAX_FLOOR_RATIO = 1.2
# Instructions per unit, as a multiple of the floor's (issue 15).
MAX_INSTRUCTION_RATIOS = {"call": 1.05, "decode-documented": 1.2, "decode-full": 1.1}
INSTRUCTION_WORKS = {
    "decode-documented": "decode, `documented` page (3 participants)",
    "decode-full": "decode, full page (20 participants)",
    "call": "one list call on loopback (request, send, read, decode)",
    "add": "one write call on loopback (add a participant: body encoded, sent, answer decoded)",
}
INSTRUCTION_CLIENTS = {"floor": "floor", "generated": "plivo-mpc",
                       "openapi-rust": "openapi-generator `rust`"}
SDK_TARGETS = {("python-sdk", 1): 6.0, ("node-sdk", 1): 5.0,
               ("python-sdk", 16): 20.0, ("node-sdk", 16): 20.0}

# Every client of the end-to-end section, in table order.
LABELS = {
    "raw": "raw socket, no decode (server ceiling)",
    "wrk": "wrk (server ceiling)",
    "floor": "**floor**: bare reqwest + serde_json into a hand-written struct",
    "generated": "**plivo-mpc** (`MpcClient`, retries off)",
    "openapi-rust": "openapi-generator `rust` (reqwest, async)",
    "python-gen": "openapi-generator `python` (urllib3, pydantic)",
    "python-sdk": "Plivo Python SDK",
    "node-sdk": "Plivo Node SDK",
}
DECODE_ORDER = ["floor", "generated", "value", "ignored_any", "diag_timestamp", "diag_patterns"]
DECODE_LABELS = {"floor": "**floor**", "generated": "**plivo-mpc generated types**"}


def fmt_rps(x: float) -> str:
    return f"{x:,.0f}"


def met(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


def render(r: dict) -> str:
    quick = r["quick"]
    L: list[str] = []
    targets: list[tuple[str, str, bool]] = []
    L += ["# Benchmarks" + (" (QUICK MODE: harness check only, figures meaningless)"
                            if quick else ""), ""]
    L += [f"Written by `{r['command']}` (`xtask/src/bench.rs` measures, "
          "`conformance/bench/report.py` renders the results it wrote as JSON, "
          "`BENCHMARKS.json` beside this file); do not edit by hand. Every "
          "figure below comes from one run of that command, all clients measured side by side "
          "against the same server. Absolute numbers depend on the machine and its load; read "
          "the ratios.", ""]
    L += ["![req/s per client at concurrency 1 and 16, and instructions per call]"
          "(BENCHMARKS.svg)", "",
          "(`BENCHMARKS.svg`, drawn from the same JSON by `bench-chart`.)", ""]
    m = r["machine"]
    L += ["## Machine and versions", ""]
    L.append(f"- machine: {m['cores']} cores, {m['cpu']}, {m['mem']}, {m['os']}")
    L.append(f"- load at start: `{m['load_start']}`")
    L.append(f"- load at end: `{m['load_end']}`")
    L.append(f"- command: `{r['command']}`, {r['seconds']:.0f} s in all")
    L += [f"- {name}: {v}" for name, v in r["versions"]]
    L.append("")

    decode = r.get("decode")
    if decode and not quick:
        L += ["## Decode (criterion, median per page)", ""]
        L += ["Bytes: the spec's `documented` example (3 participants) and a full page of 20 "
              "built from it, read from `openapi/plivo-mpc.yaml` at run time "
              "(`generated/benches/decode.rs`). The floor is a hand-written serde struct with "
              "the same fields in plain types (`conformance/bench/src/floor.rs`). `diag_*` rows "
              "are the floor with one of the generated field types swapped in: the crate's "
              "`Timestamp` for `join_time`/`exit_time`, or the crate's digits-checked "
              "`MemberId` and `Amount` for `member_id` and `billed_amount`.", ""]
        L += [f"Each row: the lowest of {decode['rounds']} criterion medians "
              f"({decode['warm_up_s']} s warm-up, {decode['measurement_s']} s measurement each; "
              "every round's median in the last column).", ""]
        L += ["| page | decoder | median | ratio to floor | rounds |", "|---|---|---:|---:|---|"]
        for page in decode["pages"]:
            rows = {row["name"]: row for row in page["rows"]}
            floor = rows.get("floor", {}).get("median_ns")
            for name in DECODE_ORDER + sorted(set(rows) - set(DECODE_ORDER)):
                if name not in rows:
                    continue
                ns = rows[name]["median_ns"]
                ratio = f"{ns / floor:.2f}x" if floor else "?"
                label = DECODE_LABELS.get(name, f"`{name}`")
                rounds = ", ".join(f"{x / 1000:.2f}" for x in rows[name]["rounds_ns"])
                L.append(f"| {page['page']} | {label} | {ns / 1000:.2f} us | {ratio} | "
                         f"{rounds} |")
                if name == "generated" and floor:
                    targets.append((f"decode {page['page']}: generated at most "
                                    f"{MAX_FLOOR_RATIO}x the floor", f"{ns / floor:.2f}x",
                                    ns / floor <= MAX_FLOOR_RATIO))
        L.append("")
    elif decode:
        L += ["## Decode", "", "Quick mode: every row ran once (criterion's test mode).", ""]

    counted = r.get("instructions")
    if counted:
        L += instructions(counted, targets, quick)

    e2e = r.get("e2e")
    if e2e:
        # Results from before the write call was measured have no "work": the list call.
        res = {(x["client"], x["concurrency"], x.get("work", "list")): x for x in e2e["results"]}
        L += ["## End to end on loopback (one list call, keep-alive)", ""]
        L += ["One `bench-server` (raw tokio, 1 worker thread, fixed body: the `documented` "
              f"example, compact JSON) for every client. Each figure: {e2e['seconds']} s after a "
              f"{e2e['warmup']} s warm-up, best of {e2e['rounds']} round(s) (all rounds' req/s "
              "in the last column); the rounds interleave the clients, so drifting load hits "
              "all of them alike. Rust load tasks run on 1 tokio worker at concurrency 1 and 2 "
              "at 16; Python peers use one client per thread, Node one client and 16 async "
              "loops. Ratios: req/s as a multiple of the floor's, and p50 latency over the "
              "floor's.", ""]
        L += e2e_tables(res, "list", targets)
        ceilings = []
        for c in (1, 16):
            if ("raw", c, "list") not in res:
                continue
            raw = res[("raw", c, "list")]["rps"]
            text = f"concurrency {c}: raw socket {fmt_rps(raw)} req/s"
            if ("wrk", c, "list") in res:
                text += f", wrk {fmt_rps(res[('wrk', c, 'list')]['rps'])} req/s"
            if ("floor", c, "list") in res:
                text += (f" (the floor reaches {res[('floor', c, 'list')]['rps'] / raw:.0%} of "
                         "the raw ceiling)")
            ceilings.append(text)
        if ceilings:
            L += ["Server ceiling: " + "; ".join(ceilings) + ".", ""]
        if any(k[2] == "add" for k in res):
            L += ["## End to end on loopback (one write call: add a participant)", ""]
            L += ["The same server, rounds and clients, each adding a participant to the MPC by "
                  "name (`POST .../Participant/`): the body is the first request example the spec "
                  "gives `addParticipantByName` (`write_example` in conformance/bench/src/lib.rs"
                  "; the Rust and generated clients send it as read, the floor as a "
                  "`serde_json::Value`, the SDKs are given its `role` and whom to add, `from` and "
                  "`to` or `call_uuid`, and add their own defaults), the answer the spec's first "
                  "example of its 200 (`AddParticipantResponse`), decoded by each client. No raw-socket ceiling here (the list call's stands for the "
                  "server). No targets: the issue asks for the measurement.", ""]
            L += e2e_tables(res, "add", None)
            for x in e2e["results"]:
                dropped = x.get("body_keys_dropped")
                if x.get("work") == "add" and dropped and x["concurrency"] == 1:
                    L += [f"{LABELS[x['client']]}: its model of the request cannot read "
                          + ", ".join(f"`{k}`" for k in dropped) + " of the example (its "
                          "`oneOf` models refuse every value), so its harness sends the body "
                          "without them.", ""]

    paging = r.get("paging")
    if paging and paging["rows"]:
        # Rows from before the peers were measured have no "client": plivo-mpc's stream.
        rows = [dict(x, client=x.get("client", "generated")) for x in paging["rows"]]
        L += ["## Paging (`Call::stream()`, 20 a page)", ""]
        L += ["`bench-page` streams every participant from `bench-server --paging TOTAL` (pages "
              "built from the documented participants, each its own member id) with the "
              "generated client's `list_participants_by_name(..).limit(20).stream()`, counting "
              "them; peak RSS is the streaming process's (`/usr/bin/time -v` maximum resident "
              "set size, and the process's own VmHWM).", ""]
        if any(x["client"] != "generated" for x in rows):
            L += ["No other client has a paging helper, so the others are the loop their user "
                  "writes: the floor (`bench-page --client floor`) asks for the next offset "
                  "until `meta.next` is null; openapi-generator's `rust` client (its harness's "
                  "`page` mode) until a page holds fewer than 20, which costs it one empty page "
                  "more when the total is a multiple of 20. Plivo's SDKs have no paging helper "
                  "either; their list call is measured above.", ""]
        L += ["| client | participants | pages | time | participants/s | peak RSS (time -v) | "
              "peak RSS (VmHWM) | RSS vs its first row |",
              "|---|---:|---:|---:|---:|---:|---:|---:|"]
        for name, label in LABELS.items():
            mine = [x for x in rows if x["client"] == name]
            if not mine:
                continue
            base = mine[0]["peak_rss_kib"]
            for x in mine:
                tv = (f"{x['time_v_max_rss_kib'] / 1024:.1f} MiB" if x.get("time_v_max_rss_kib")
                      else "n/a")
                L.append(f"| {label} | {x['participants']:,} | {x['pages']:,} | "
                         f"{x['seconds']:.2f} s | {fmt_rps(x['participants'] / x['seconds'])} | "
                         f"{tv} | {x['peak_rss_kib'] / 1024:.1f} MiB | "
                         f"{x['peak_rss_kib'] / base:.2f}x |")
        ours = [x for x in rows if x["client"] == "generated"]
        if len(ours) > 1:
            base = ours[0]["peak_rss_kib"]
            growth = ours[-1]["peak_rss_kib"] - base
            flat = growth < 2048
            L += ["", f"plivo-mpc's memory from {ours[0]['participants']:,} to "
                  f"{ours[-1]['participants']:,} participants grows by {growth / 1024:.1f} MiB: "
                  + ("flat (one page in memory at a time)." if flat else "NOT flat.")]
            targets.append((f"paging memory flat ({ours[0]['participants']:,} to "
                            f"{ours[-1]['participants']:,} participants)",
                            f"+{growth / 1024:.1f} MiB", flat))
        L.append("")

    codegen = r.get("codegen")
    if codegen:
        x = codegen["xtask_generate_s"]
        L += ["## Code generation and build", ""]
        L += ["`xtask generate` renders the spec and writes the client to a scratch file under "
              "the target dir (the committed one is not touched).", ""]
        L += ["| what | time | ratio |", "|---|---:|---:|"]
        L.append(f"| `cargo xtask generate` (after build; cargo's own start-up included) | "
                 f"{x:.2f} s | 1.00x |")
        L.append(f"| the xtask binary alone, `xtask generate` | {codegen['xtask_binary_s']:.2f} s "
                 f"| {codegen['xtask_binary_s'] / x:.2f}x |")
        if "openapi_rust_s" in codegen:
            o = codegen["openapi_rust_s"]
            L.append(f"| `openapi-generator-cli generate -g rust` (JVM start-up included) | "
                     f"{o:.2f} s | {o / x:.2f}x |")
        if "cold_build_s" in codegen:
            L.append(f"| cold `cargo build -p plivo-mpc` (fresh target dir, debug, default "
                     f"features: rustls) | {codegen['cold_build_s']:.0f} s | |")
        L.append("")

    if targets and not quick:
        L += ["## Targets", "", "| target | measured | |", "|---|---:|---|"]
        L += [f"| {what} | {value} | {met(ok)} |" for what, value, ok in targets]
        L.append("")
    notes = HERE / "NOTES.md"
    if notes.exists() and not quick:
        L += [notes.read_text().rstrip(), ""]
    L += ["## Skipped", ""]
    L += [f"- {s}" for s in r["skipped"]] or ["- nothing"]
    L.append("")
    return "\n".join(L)


def e2e_tables(res: dict, work: str, targets: list | None) -> list[str]:
    """The per-concurrency tables of one work and plivo-mpc against the others; the targets
    (list call only) are appended to `targets` when it is given."""
    L: list[str] = []
    for conc in (1, 16):
        floor = res.get(("floor", conc, work))
        L += [f"### Concurrency {conc}", ""]
        L += ["| client | req/s | p50 | p99 | req/s vs floor | p50 vs floor | errors | "
              "rounds (req/s) |", "|---|---:|---:|---:|---:|---:|---:|---|"]
        for name, label in LABELS.items():
            x = res.get((name, conc, work))
            if not x:
                continue
            rr = f"{x['rps'] / floor['rps']:.2f}x" if floor else "?"
            pr = f"{x['p50_us'] / floor['p50_us']:.2f}x" if floor and floor["p50_us"] else "?"
            rounds = ", ".join(fmt_rps(v) for v in x["rounds"])
            L.append(f"| {label} | {fmt_rps(x['rps'])} | {x['p50_us']} us | {x['p99_us']} us "
                     f"| {rr} | {pr} | {x['errors']} | {rounds} |")
        L.append("")
    L += ["### plivo-mpc against the other clients (its req/s over theirs)", ""]
    L += ["| client | concurrency 1 | concurrency 16 |", "|---|---:|---:|"]
    for name in ("floor", "openapi-rust", "python-gen", "python-sdk", "node-sdk"):
        cells = []
        for conc in (1, 16):
            g, p = res.get(("generated", conc, work)), res.get((name, conc, work))
            if not g or not p or not p["rps"]:
                cells.append(None)
                continue
            ratio = g["rps"] / p["rps"]
            want = SDK_TARGETS.get((name, conc))
            if targets is None:
                cells.append(f"{ratio:.2f}x")
            elif name == "openapi-rust":
                cells.append(f"{ratio:.2f}x (target 1x: {met(ratio >= 1.0)})")
                targets.append((f"openapi-rust at concurrency {conc}: plivo-mpc at or above "
                                "its req/s", f"{ratio:.2f}x", ratio >= 1.0))
            elif want:
                cells.append(f"{ratio:.1f}x (target {want:.0f}x: {met(ratio >= want)})")
                targets.append((f"{name} at concurrency {conc}: plivo-mpc at least "
                                f"{want:.0f}x its req/s", f"{ratio:.1f}x", ratio >= want))
            else:
                cells.append(f"{ratio:.2f}x")
        if any(cells):
            L.append(f"| {LABELS[name]} | {cells[0] or 'skipped'} | {cells[1] or 'skipped'} |")
    L.append("")
    for conc in (1, 16):
        g, f = res.get(("generated", conc, work)), res.get(("floor", conc, work))
        if g and f and targets is not None:
            ratio = f["rps"] / g["rps"]
            targets.append((f"per request at concurrency {conc}: generated at most "
                            f"{MAX_FLOOR_RATIO}x the floor's time", f"{ratio:.2f}x",
                            ratio <= MAX_FLOOR_RATIO))
    return L


def instructions(counted: dict, targets: list, quick: bool) -> list[str]:
    """The instructions-per-unit section (callgrind), its targets, and the baseline check."""
    per = {(x["client"], x["work"]): x["per_unit"] for x in counted["rows"]}
    clients = [c for c in INSTRUCTION_CLIENTS if any(k[0] == c for k in per)]
    L = ["## Instructions per call (callgrind)", ""]
    L += ["Counted, not timed: the machine's load does not change them. Each client's count "
          "harness (`bench-count` for plivo-mpc and the floor, a `count` mode of the peer's "
          "load harness for openapi-generator's client; release builds) does N units of work "
          "and runs under `valgrind --tool=callgrind` with N and 2N; a unit costs "
          "(I(2N) - I(N)) / N instructions, so start-up, the client's construction, the "
          "connection and 20 warm-up calls cancel out. A call runs on a current-thread tokio "
          "runtime against `bench-server`, which is another process and not counted: the "
          "figure is the client's user-space instructions for one call (building the request, "
          "hyper's connection work, reading and decoding the answer: the `documented` page, "
          "or the write call's answer), not the kernel's. The write call has no target (the "
          "issue asks for its measurement). `xtask/src/callgrind.rs` has the method; the profiles stay in "
          "`<target dir>/bench/callgrind/` for `callgrind_annotate`.", ""]
    head = " | ".join(INSTRUCTION_CLIENTS[c] for c in clients)
    ratios = [c for c in clients if c != "floor"] if "floor" in clients else []
    L += [f"| work | N | {head} |" + "".join(f" {INSTRUCTION_CLIENTS[c]} vs floor |"
                                             for c in ratios),
          "|---|---:|" + "---:|" * (len(clients) + len(ratios))]
    ns = {x["work"]: x["n"] for x in counted["rows"]}
    for work, label in INSTRUCTION_WORKS.items():
        if not any(k[1] == work for k in per):
            continue
        floor = per.get(("floor", work))
        cells = [f"{per[(c, work)]:,.0f}" if (c, work) in per else "skipped" for c in clients]
        cells += [f"{per[(c, work)] / floor:.3f}x" if floor and (c, work) in per else "?"
                  for c in ratios]
        L.append(f"| {label} | {ns[work]} | " + " | ".join(cells) + " |")
        ours = per.get(("generated", work))
        want = MAX_INSTRUCTION_RATIOS.get(work)
        if ours and floor and want and not quick:
            targets.append((f"instructions, {work}: plivo-mpc at most {want}x the floor's",
                            f"{ours / floor:.3f}x", ours / floor <= want))
        peer = per.get(("openapi-rust", work))
        if ours and peer and work == "call" and not quick:
            targets.append(("instructions, call: plivo-mpc below openapi-generator `rust`",
                            f"{ours / peer:.3f}x", ours < peer))
    L.append("")
    base = counted.get("baseline")
    if base:
        rows = "; ".join(f"{x['work']} {x['measured']:,.0f} ({x['ratio']:.3f}x its "
                         f"{x['baseline']:,.0f})" for x in base["rows"])
        L += [f"Against the committed baseline (`conformance/bench/baseline.json`; "
              f"`cargo xtask bench --quick` fails above {1 + base['margin']:.2f}x): {rows}.", ""]
    return L


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("results", type=Path, help="the JSON written by cargo xtask bench")
    ap.add_argument("-o", "--out", type=Path, help="write here (default: print)")
    args = ap.parse_args()
    text = render(json.loads(args.results.read_text()))
    if args.out:
        args.out.write_text(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
