"""Comparison: each client's parse against the Rust reference's, field by field, and each request
it sent (as the mock recorded it, `GET /__mock/requests`) against what the spec says.

Nothing here runs anything: it reads a harness's output and the mock's records and fills the
row's cells and notes.
"""

from __future__ import annotations

import base64
import json
import re
import urllib.parse

ABSENT = object()


def one_line(text: str, limit: int | None = None) -> str:
    """Whitespace (newlines included) collapsed; cut at `limit` characters."""
    text = " ".join(str(text).split())
    return text if limit is None or len(text) <= limit else text[:limit - 1] + "…"


def show(v) -> str:
    return "(absent)" if v is ABSENT else json.dumps(v, sort_keys=True)


def diff(ref, got, path="") -> list[tuple[str, object, object]]:
    """Every difference between two JSON values: (field path, reference value, client value)."""
    if isinstance(ref, dict) and isinstance(got, dict):
        out = []
        for k in sorted(set(ref) | set(got)):
            out += diff(ref.get(k, ABSENT), got.get(k, ABSENT), f"{path}.{k}" if path else k)
        return out
    if isinstance(ref, list) and isinstance(got, list):
        out = []
        if len(ref) != len(got):
            out.append((f"{path} (length)", len(ref), len(got)))
        for i, (a, b) in enumerate(zip(ref, got)):
            out += diff(a, b, f"{path}[{i}]")
        return out
    same = type(ref) is type(got) and ref == got
    # JSON has one number type: 20 and 20.0 are the same number.
    if not same and isinstance(ref, (int, float)) and isinstance(got, (int, float)) \
            and not isinstance(ref, bool) and not isinstance(got, bool):
        same = ref == got
    return [] if same else [(path or "(root)", ref, got)]


# ------------------------------------------------------------------------------------ parses
def compare_parses(row, output: dict, examples: list[str], reference: dict) -> None:
    """One cell per example: pass when both parses (by name, by uuid) equal the reference's."""
    parses = output.get("parses", {})
    # Each difference once (a list index as [*]), with the examples and ways it was seen in.
    grouped: dict[str, tuple[dict[str, None], set[str]]] = {}
    for ex in examples:
        got = parses.get(ex)
        ref = reference["parses"].get(ex, {})
        if got is None or "$skipped" in got:
            row.cells[ex] = ("skip", (got or {}).get("$skipped", "not called"))
            continue
        problems, short = [], {}
        for key in ("by_name", "by_uuid"):
            g, r = got.get(key, ABSENT), ref.get(key, ABSENT)
            if isinstance(g, dict) and "$error" in g:
                # Jackson's "at [Source: ...; line, column]" says nothing a cell needs.
                brief = re.sub(r" at \[Source: .*?\]", "", one_line(g["$error"]))
                problems.append((key, f"error: {brief}"))
                short[key] = f"error: {one_line(brief, 120)}"
                continue
            ds = diff(r, g)
            for path, a, b in ds:
                field = re.sub(r"\[\d+\]", "[*]", path)
                problems.append((key, f"`{field}`: Rust {show(a)}, {row.id} {show(b)}"))
            if ds:
                short[key] = (f"{len(ds)} diff(s), e.g. `{ds[0][0]}`: Rust {show(ds[0][1])}, "
                              f"here {show(ds[0][2])}")
        if problems:
            texts = list(short.values())
            if len(texts) == 2 and texts[0] == texts[1]:
                note = f"{texts[0]} (by name and by uuid)"
            else:
                note = "; ".join(f"{key}: {text}" for key, text in short.items())
            row.cells[ex] = ("fail", note)
            for key, problem in problems:
                seen, ways = grouped.setdefault(problem, ({}, set()))
                seen[ex] = None
                ways.add(key)
        else:
            row.cells[ex] = ("pass", "")
    for problem, (seen, ways) in grouped.items():
        how = "by name and by uuid" if len(ways) == 2 else next(iter(ways)).replace("_", " ")
        row.details.append(f"{problem} ({', '.join(seen)}; {how})")


# ---------------------------------------------------------------------------------- requests
def is_example_run(record: dict) -> bool:
    """A request of an example run: it came through `/__example/NAME` (or asked with Prefer)."""
    return bool(record.get("example")) or \
        (record.get("prefer") or "").replace(" ", "").startswith("example=")


def expected_request(cfg: dict, call: dict) -> dict:
    prefix = "name_" if call["by"] == "name" else "uuid_"
    return {
        "method": "GET",
        "segments": ["", "v1", "Account", cfg["auth_id"], "MultiPartyCall", prefix + call["mpc"],
                     "Participant", ""],
        "query": {"call_uuid": [call["call_uuid"]]} if call["call_uuid"] else {},
        "auth": f"{cfg['auth_id']}:{cfg['auth_token']}",
    }


def check_request(cfg: dict, call: dict, rec: dict | None, defaults: dict[str, str],
                  notes: set[str]) -> list[str]:
    """Where the recorded request differs from what the spec says for this call. A query
    parameter sent at its schema default is a note, not a failure (it means what leaving it
    out means)."""
    if rec is None:
        return ["no request reached the mock"]
    want = expected_request(cfg, call)
    problems = []
    raw_path, raw_query = rec["path"], rec.get("query") or ""
    if rec["method"] != want["method"]:
        problems.append(f"method {rec['method']} (spec: GET)")
    segments = [urllib.parse.unquote(s) for s in raw_path.split("/")]
    if segments != want["segments"]:
        spec_path = "/".join(urllib.parse.quote(s, safe="") for s in want["segments"])
        cut = len("/v1/Account/") + len(cfg["auth_id"])
        def short(p: str) -> str:
            return "…" + p[cut:] if p[:cut] == spec_path[:cut] else p
        problems.append(f"path {short(raw_path)} (spec: {short(spec_path)})")
    query = urllib.parse.parse_qs(raw_query, keep_blank_values=True)
    for name, default in defaults.items():
        if name not in want["query"] and query.get(name) == [default]:
            del query[name]
            notes.add(f"sends `{name}={default}` (the spec's default) when not asked to")
    if query != want["query"]:
        problems.append(f"query {raw_query or '(none)'} (spec: "
                        f"{urllib.parse.urlencode(want['query'], doseq=True) or '(none)'})")
    if basic_credentials(rec) != want["auth"]:
        problems.append("Authorization is not Basic auth_id:auth_token")
    if not problems and rec.get("status") not in (None, 200):
        problems.append(f"mock answered {rec['status']}")
    return problems


def compare_requests(row, output: dict, cfg: dict, records: list[dict], dropped: int,
                     defaults: dict[str, str]) -> None:
    """The request-check calls, in order, against the requests the mock recorded for them (those
    that did not ask for an example), and notes on how the client reached the examples."""
    examples_reached = [r for r in records if is_example_run(r)]
    reqs = [r for r in records if not is_example_run(r)]
    calls = cfg["request_calls"]
    bad, notes = [], set()
    for i, call in enumerate(calls):
        rec = reqs[i] if i < len(reqs) else None
        for p in check_request(cfg, call, rec, defaults, notes):
            bad.append(f"{call['id']}: {p}")
    if len(reqs) > len(calls):
        bad.append(f"{len(reqs) - len(calls)} more request(s) than calls (retries?)")
    if dropped:
        bad.append(f"the mock dropped {dropped} recorded request(s): too many to check")
    outcome = output.get("calls", {})
    for call in calls:
        o = outcome.get(call["id"])
        if o and o != "ok":
            row.details.append(f"request call {call['id']}: client said {one_line(o)}")
    if bad:
        row.cells["request check"] = ("fail", bad[0] if len(bad) == 1 else
                                      f"{bad[0]} (+{len(bad) - 1})")
        row.details += [f"request {b}" for b in bad]
    else:
        row.cells["request check"] = ("pass", f"{len(calls)} requests: path, query, Basic auth")
    row.details += sorted(notes)
    for r in reqs[:1]:
        row.details.append(f"sends User-Agent {r['user_agent']!r}")
    by_prefix = {bool(r.get("example")) for r in examples_reached}
    if by_prefix == {False}:
        row.details.append("reaches the examples with `Prefer: example=NAME`, not the "
                           "`/__example/NAME` base URL")
    elif by_prefix == {True, False}:
        row.details.append("reaches some examples with `Prefer: example=NAME`, others through "
                           "the `/__example/NAME` base URL")
    wrong = sorted({r["example"] for r in examples_reached
                    if r.get("example") and r["example"] not in cfg["examples"]})
    if wrong:
        row.details.append(f"asked the mock for examples it was not given: {', '.join(wrong)}")


# -------------------------------------------------------------------------------- operations
def _segment_pattern(template: str) -> re.Pattern:
    """A path segment of the spec (`name_{mpc_name}`, `{member_id}`, `Record`) as a pattern of
    the decoded segment."""
    parts = re.split(r"(\{[^}]+\})", template)
    return re.compile("^" + "".join(".*" if p.startswith("{") else re.escape(p)
                                    for p in parts) + "$", re.S)


def _decoded(path: str) -> list[str]:
    return [urllib.parse.unquote(s) for s in path.split("/")]


def _op_matches(op: dict, rec: dict) -> bool:
    """The record is a request of this operation: same method, and the path fits the spec's
    template segment by segment (literal parts equal), trailing slash or not."""
    # Without the trailing slash too: such a request is this operation's, with a wrong path
    # (check_operation names it), not a request of no operation.
    tmpl = op["path"].rstrip("/").split("/")
    got = _decoded(rec["path"].rstrip("/"))
    return rec["method"] == op["method"] and len(tmpl) == len(got) and \
        all(_segment_pattern(t).match(g) for t, g in zip(tmpl, got))


def expected_segments(op: dict) -> list[str]:
    path = op["path"]
    for name, value in op["path_params"]:
        path = path.replace("{" + name + "}", value.replace("/", "\0"))
    return [s.replace("\0", "/") for s in path.split("/")]


def check_operation(cfg: dict, op: dict, rec: dict, notes: set[str]) -> list[str]:
    """Where the recorded request of an operation differs from the spec: method, path (decoded
    segments), query (none asked for; a parameter at its schema default is a note), JSON body
    (the example, value for value), Basic auth."""
    problems = []
    want = expected_segments(op)
    if _decoded(rec["path"]) != want:
        problems.append(f"path {rec['path']} (spec: "
                        f"{'/'.join(urllib.parse.quote(s, safe='') for s in want)})")
    query = urllib.parse.parse_qs(rec.get("query") or "", keep_blank_values=True)
    for name, default in op.get("defaults", {}).items():
        if query.get(name) == [default]:
            del query[name]
            notes.add(f"{op['id']}: sends `{name}={default}` (the spec's default) when not "
                      "asked to")
    if query:
        problems.append(f"query {rec.get('query')} (spec: none asked for)")
    raw = rec.get("body") or ""
    if op["body"] is None:
        if raw.strip():
            problems.append(f"body {one_line(raw, 80)} (spec: no body)")
    else:
        try:
            sent = json.loads(raw) if raw.strip() else ABSENT
        except ValueError:
            sent = raw
        if sent is ABSENT:
            problems.append("no body (spec: the requestBody example)")
        else:
            defaults = op.get("body_defaults", {})
            for path, a, b in diff(op["body"], sent):
                # A field at the schema's default means what leaving it out means: sent
                # when the example leaves it out, or left out when the example has it.
                if a is ABSENT and path in defaults and diff(defaults[path], b) == []:
                    notes.add(f"{op['id']}: sends `{path}: {show(b)}` (the spec's default) "
                              "when not asked to")
                    continue
                if b is ABSENT and path in defaults and diff(defaults[path], a) == []:
                    notes.add(f"{op['id']}: leaves out `{path}` (the example's {show(a)} is "
                              "the spec's default)")
                    continue
                problems.append(f"body `{path}`: spec {show(a)}, sent {show(b)}")
    if basic_credentials(rec) != f"{cfg['auth_id']}:{cfg['auth_token']}":
        problems.append("Authorization is not Basic auth_id:auth_token")
    return problems


def basic_credentials(rec: dict):
    """`user:password` of the recorded request's Basic auth, or None."""
    auth = rec.get("authorization") or ""
    try:
        return base64.b64decode(auth.split(" ", 1)[1]).decode() \
            if auth.startswith("Basic ") else None
    except Exception:
        return None


def _at(value, path: list):
    for key in path:
        try:
            value = value[key]
        except (KeyError, IndexError, TypeError):
            return ABSENT
    return value


def client_reason(said: str, rec: dict | None) -> str:
    """What the client said, shortest first: a field of the answer that it refused to decode
    (Jackson's reference chain) with the mock's value there, else its error on one line."""
    text = re.sub(r" at \[Source: .*?\]", "", one_line(said))
    chain = re.search(r"\(through reference chain: (.*?)\)", text)
    if chain and rec is not None:
        path = [int(i) if i else k for k, i in
                re.findall(r'\["([^"]+)"\]|\[(\d+)\]', chain.group(1))]
        shown = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
        why = re.sub(r"^error: (\w+: )?([\w.]+Exception: )?", "", text[:chain.start()]).strip()
        return (f"answer `{shown}`: mock sent {show(_at(rec.get('answer'), path))}, client "
                f"refuses it ({why})")
    status = f" (mock answered {rec['status']})" if rec and rec.get("status") else ""
    return f"client: {text}{status}"


def _beyond_defaults(op: dict, rec: dict) -> bool:
    query = urllib.parse.parse_qs(rec.get("query") or "", keep_blank_values=True)
    return any(op.get("defaults", {}).get(k) != v[-1] for k, v in query.items())


def _text(value) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def query_cell(row, outcome: dict, cfg: dict, with_query: list) -> None:
    """The operations-with-query cell: each operation that has query parameters, called with
    every one set to its example: the query must hold each, once, with the example's value
    (form decoding), and the client must decode the answer."""
    if not with_query:
        row.cells["operations with query"] = ("skip", "the spec has no query parameter")
        return
    failed = []
    missing = [op["id"] for op, _ in with_query if unsupported(outcome.get(op["id"] + "+query"))]
    with_query = [(op, recs) for op, recs in with_query if op["id"] not in missing]
    if not with_query:
        row.cells["operations with query"] = ("skip", "not in the client: " + ", ".join(missing))
        return
    for op, recs in with_query:
        problems = []
        said = outcome.get(op["id"] + "+query")
        if said is None:
            problems.append("not called (the harness did not report it)")
        if not recs:
            problems.append("no request with the query reached the mock")
        else:
            got = urllib.parse.parse_qs(recs[0].get("query") or "", keep_blank_values=True)
            for name, value in op["query"]:
                if got.get(name) != [_text(value)]:
                    shown = ", ".join(got[name]) if name in got else "(absent)"
                    problems.append(f"`{name}`: spec {_text(value)}, sent {shown}")
            for name in sorted(set(got) - {n for n, _ in op["query"]}):
                problems.append(f"`{name}`: not in the spec, sent {', '.join(got[name])}")
            if len(recs) > 1:
                problems.append(f"{len(recs)} requests (retries?)")
        if said not in (None, "ok"):
            problems.append(client_reason(said, recs[0] if recs else None))
        if problems:
            failed.append((op["id"], problems))
    per_op = row.state.setdefault("per_op", {})
    for op_id, problems in failed:
        per_op.setdefault(op_id, []).extend(f"with query: {p}" for p in problems)
    n = len(with_query)
    if failed:
        row.cells["operations with query"] = ("fail", f"{n - len(failed)}/{n} operations; " +
                                              "; ".join(f"{i}: {', '.join(ps)}"
                                                        for i, ps in failed))
        row.details += [f"operation {i} with query: {p}" for i, ps in failed for p in ps]
    else:
        names = sum(len(op["query"]) for op, _ in with_query)
        row.cells["operations with query"] = (
            "pass", f"{n}/{n} operations, {names} query parameters at their examples" +
            (f" (not in the client: {', '.join(missing)})" if missing else ""))


def unsupported(said) -> bool:
    """The harness's word that the client has no way to make this call (an SDK without it)."""
    return isinstance(said, str) and said.startswith("unsupported")


def compare_operations(row, output: dict, cfg: dict, ops: list[dict], records: list[dict],
                       dropped: int) -> None:
    """The operations cell: each operation's request as the mock recorded it (matched by method
    and path template), and the client's own word on decoding the mock's default answer."""
    outcome = output.get("operations", {})
    failed, notes = [], set()
    left = list(records)
    with_query, missing = [], []
    for op in ops:
        recs = [r for r in left if _op_matches(op, r)]
        for r in recs:
            left.remove(r)
        if op.get("query"):
            # The call with every query parameter: the record with a query parameter that is
            # not at its default (the plain call sends none, or only defaults).
            asked = [r for r in recs if _beyond_defaults(op, r)]
            recs = [r for r in recs if r not in asked]
            with_query.append((op, asked))
        problems = []
        said = outcome.get(op["id"])
        if unsupported(said):
            missing.append(op["id"])
            if recs:
                failed.append((op["id"], [f"said {said!r} but sent {len(recs)} request(s)"]))
            continue
        if said is None:
            problems.append("not called (the harness did not report it)")
        if not recs:
            problems.append("no request reached the mock")
        else:
            problems += check_operation(cfg, op, recs[0], notes)
            if len(recs) > 1:
                problems.append(f"{len(recs)} requests (retries?)")
        if said not in (None, "ok"):
            problems.append(client_reason(said, recs[0] if recs else None))
        if problems:
            failed.append((op["id"], problems))
    if left:
        failed.append(("(other)", [f"{len(left)} request(s) of no operation: " +
                                   ", ".join(f"{r['method']} {r['path']}" for r in left[:3])]))
    if dropped:
        failed.append(("(mock)", [f"the mock dropped {dropped} recorded request(s)"]))
    per_op = row.state.setdefault("per_op", {})
    for op in ops:
        per_op.setdefault(op["id"], None if op["id"] in missing else [])
    for op_id, problems in failed:
        if op_id in per_op:
            per_op[op_id] = (per_op[op_id] or []) + problems
    query_cell(row, outcome, cfg, with_query)
    n = len(ops) - len(missing)
    n_ok = n - sum(1 for op_id, _ in failed if not op_id.startswith("("))
    what = "method, path, query, JSON body, Basic auth; answer decoded"
    if missing:
        what += f"; not in the client: {', '.join(missing)}"
        row.details.append(f"operations not in the client: {', '.join(missing)}")
    if failed:
        def brief(ps: list[str]) -> str:
            # The request's own faults first; the client's error then follows from the mock's
            # 400 and is in the notes.
            own = [p for p in ps if not p.startswith("client:")] or ps
            return ", ".join(one_line(p, 160) for p in own)
        row.cells["operations"] = ("fail", f"{n_ok}/{n} operations; " + "; ".join(
            f"{op_id}: {brief(ps)}" for op_id, ps in failed))
        row.details += [f"operation {op_id}: {p}" for op_id, ps in failed for p in ps]
    else:
        row.cells["operations"] = ("pass", f"{n}/{n} operations: {what}")
    row.details += sorted(notes)


# ------------------------------------------------------------------------ one cell per operation
def brief_problems(problems: list[str], limit: int = 140) -> str:
    """The request's own faults first (the client's error mostly follows from the mock's 400)."""
    own = [p for p in problems if not p.startswith("client:")] or problems
    text = one_line("; ".join(own))
    return text if len(text) <= limit else f"{one_line(text, limit)} (+ notes)"


def operation_cells(row, ops: list[dict], examples: list[str], list_ops: tuple[str, ...]) -> None:
    """One cell per operation: its request as the spec says and its answer decoded (the
    operations run), and for the participant list also every example's parse against the Rust
    client's and the request check (encoded name, call_uuid)."""
    per_op = row.state.get("per_op")
    ex_cells = [(ex, row.cells.get(ex, ("skip", ""))) for ex in examples]
    check = row.cells.get("request check", ("skip", ""))
    for op in ops:
        parts, status = [], "pass"
        if per_op is None:
            ran = row.cells.get("operations", ("skip", ""))
            status, why = ran if ran[0] != "pass" else ("skip", "")
            parts.append(why or "not run")
        elif per_op.get(op["id"]) is None:
            status, parts = "skip", ["not in the client"]
        elif per_op[op["id"]]:
            status = "fail"
            parts.append(brief_problems(per_op[op["id"]]))
        counted = row.state.get("op_examples", {}).get(op["id"])
        if counted:
            passed, total, first = counted
            parts.append(f"examples {passed}/{total}" +
                         (f" ({one_line(first, 120)})" if first else ""))
            if passed < total:
                status = "fail"
        if op["id"] in list_ops:
            bad = [(ex, c) for ex, c in ex_cells if c[0] == "fail"]
            passed = sum(1 for _, c in ex_cells if c[0] == "pass")
            if passed or bad:
                if status == "skip":
                    status, parts = "pass", []
                parts.append(f"listed by name and uuid {passed}/{len(ex_cells)}" +
                             (f" ({bad[0][0]}: {one_line(bad[0][1][1], 100)})" if bad else ""))
                if bad:
                    status = "fail"
            if check[0] == "fail":
                status = "fail"
                parts.append(f"request check: {one_line(check[1], 100)}")
        row.cells[op["id"]] = (status, "; ".join(p for p in parts if p))


# ------------------------------------------------------------------ every example, every operation
def is_raised(parse) -> bool:
    """A harness's word that the call did not return a body: it raised (`$raises`, with the
    `$status` and `$body` the error carries, when it exposes them, or only the body's `error`
    as `$message`) or could not be made (`$error` alone)."""
    return isinstance(parse, dict) and ("$raises" in parse or "$error" in parse)


def _raised_text(parse: dict) -> str:
    kind = parse.get("$raises") or "error"
    return one_line(f"{kind}: {parse.get('$error', '')}".rstrip(": "), 120)


def compare_example(ref, got) -> tuple[list[str], str | None]:
    """One example's parse against the Rust client's: (problems, note). An error the client
    raises is compared by the body it carries; without one, by its status alone (a note)."""
    if is_raised(ref) and "$raises" not in ref:
        return [], None  # the Rust reference could not call it: nothing to hold the row to
    if not is_raised(ref):
        if is_raised(got):
            return [f"raises {_raised_text(got)} (Rust: a body)"], None
        return [f"`{p}`: Rust {show(a)}, here {show(b)}" for p, a, b in diff(ref, got)], None
    status = ref.get("$status")
    if not is_raised(got):
        problems = [f"`{p}`: Rust {show(a)}, here {show(b)}"
                    for p, a, b in diff(ref.get("$body", ABSENT), got)]
        return problems, f"returns the {status} answer's body instead of raising"
    if "$raises" not in got:
        return [f"raises {_raised_text(got)} (Rust: status {status})"], None
    problems = []
    if got.get("$status") is not None and got["$status"] != status:
        problems.append(f"raises {got['$raises']} with status {got['$status']} "
                        f"(Rust: status {status})")
    if "$body" in got:
        problems += [f"`{p}`: Rust {show(a)}, here {show(b)}"
                     for p, a, b in diff(ref.get("$body", ABSENT), got["$body"])]
        return problems, None
    message = (ref.get("$body") or {}).get("error") if isinstance(ref.get("$body"), dict) \
        else None
    if "$message" in got and message is not None and got["$message"] != message:
        problems.append(f"`error` (the exception's message): Rust {show(message)}, here "
                        f"{show(got['$message'])}")
    if got.get("$status") is None:
        # Nothing to compare the status with: said, with what the mock answered.
        return problems, (f"raises {got['$raises']}, which carries no status (the example's is "
                          f"{status})")
    return problems, f"raises {got['$raises']} with status {got['$status']}"


def compare_op_examples(row, output: dict, ops: list[dict], reference: dict | None) -> None:
    """Every response example of every operation the client implements: its parse against the
    Rust client's reading of the same example (`reference`, the Rust row's operations output).
    Fills row.state["op_examples"][op id] = (passed, total, first difference or None), and
    the row's notes, each difference once with the operations and examples it was seen in."""
    if "examples" not in output:
        row.details.append("the operations' response examples: this harness does not parse "
                           "them yet (only the participant list's are compared)")
        return
    # What the harness saw of the client while reading them (a state it had to reset).
    row.details += [f"examples: {note}" for note in output.get("notes", [])]
    parses = output["examples"]
    ref_parses = (reference or {}).get("examples", {})
    per_op = row.state.get("per_op", {})
    summary: dict[str, tuple[int, int, str | None]] = {}
    grouped: dict[str, dict[str, list[str]]] = {}
    for op in ops:
        if not op["examples"] or per_op.get(op["id"], []) is None:
            continue  # no example to parse, or not in the client
        got_all = parses.get(op["id"])
        if got_all is None:
            summary[op["id"]] = (0, len(op["examples"]), "not reported by the harness")
            continue
        passed, first = 0, None
        for ex in op["examples"]:
            name = ex["name"]
            ref = ref_parses.get(op["id"], {}).get(name, {"$error": "no Rust reading"})
            got = got_all.get(name, {"$error": "not reported by the harness"})
            problems, note = compare_example(ref, got)
            for text in problems + ([note] if note else []):
                grouped.setdefault(re.sub(r"\[\d+\]", "[*]", text), {}) \
                    .setdefault(op["id"], []).append(name)
            if problems:
                first = first or f"{name}: {problems[0]}"
            else:
                passed += 1
        summary[op["id"]] = (passed, len(op["examples"]), first)
    row.state["op_examples"] = summary
    with_examples = sum(1 for op in ops if op["examples"])
    # A field that differs with several values is one note: its first values, and how many more.
    by_field: dict[str, list[str]] = {}
    for text in grouped:
        by_field.setdefault(text.split(": Rust ", 1)[0], []).append(text)
    for texts in by_field.values():
        seen: dict[str, list[str]] = {}
        for text in texts:
            for op_id, names in grouped[text].items():
                seen.setdefault(op_id, []).extend(names)
        names = list(dict.fromkeys(n for ns in seen.values() for n in ns))
        where = (f"all {len(seen)} operations" if len(seen) == with_examples and len(seen) > 1
                 else ", ".join(seen))
        more = f" (and {len(texts) - 1} more values)" if len(texts) > 1 else ""
        row.details.append(f"examples: {texts[0]}{more} ({where}; {', '.join(names)})")
