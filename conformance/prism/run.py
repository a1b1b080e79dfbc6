#!/usr/bin/env python3
"""The spec in Stoplight Prism (`.ci/prism`): writes conformance/prism/PRISM.md.

1. `prism mock openapi/plivo-mpc.yaml --errors` serves every operation's every documented
   response: each is asked for on the wire (`Prefer: code=N, example=NAME`, the spec's example
   path values, query values and request body), and the status and JSON body must equal the
   example (a bodiless success: the status and no body).
2. The Rust client replays every documented response against that mock (the driver in
   conformance/prism/src/main.rs calls `call_by_operation_id`; the shim below turns its base URL
   prefix `/__prism/N/NAME` into the `Prefer` header), and the decoded value, written back as
   JSON, must equal the example.
3. `prism proxy openapi/plivo-mpc.yaml <plivo-mpc-mock> --errors` validates, in front of the Rust
   mock, the example requests of 1, the Rust client's requests of 2, and the requests every
   client in the polyglot matrix sent in its last run (as the mock recorded them:
   <target>/polyglot/logs/<row>-requests.json). Any `sl-violations` header or Prism error
   (422 for a request, 500 for a response) is a violation.
4. The same probes go to `prism mock` and to the Rust mock, and the answers that differ are
   listed.

Standard library only. Exit status 1 when a check fails that the committed PRISM.md does not
already list under Failures (those are clients' known violations, also in the polyglot matrix);
with --strict, when any check fails.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import http.client
import http.server
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

sys.dont_write_bytecode = True

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SPEC = "openapi/plivo-mpc.yaml"
OUT = HERE / "PRISM.md"
TOKEN = "prism-t0ken"


def log(*a):
    print("prism:", *a, file=sys.stderr, flush=True)


def target_dir() -> Path:
    t = os.environ.get("CARGO_TARGET_DIR")
    return Path(t).resolve() if t else ROOT / "target"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------------------------
# Installing and starting things


def install_prism(dest: Path) -> Path:
    """npm ci of the pinned package.json + package-lock.json into dest, when the pins change."""
    pins = [HERE / "package.json", HERE / "package-lock.json"]
    stamp = hashlib.sha256(b"".join(p.read_bytes() for p in pins)).hexdigest()
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    stamp = f"{stamp} node {node}"
    mods = dest / "node_modules"
    if (mods / ".pins").exists() and (mods / ".pins").read_text() == stamp:
        return mods / ".bin" / "prism"
    log(f"installing the pinned Prism into {dest}")
    dest.mkdir(parents=True, exist_ok=True)
    for p in pins:
        shutil.copy(p, dest / p.name)
    # --ignore-scripts: Prism runs without any install script.
    subprocess.run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
                   cwd=dest, check=True)
    (mods / ".pins").write_text(stamp)
    return mods / ".bin" / "prism"


def cargo_build(target: Path) -> tuple[Path, Path]:
    env = dict(os.environ, CARGO_TARGET_DIR=str(target))
    # The workspace's mock and this driver (a workspace member: it shares the suite's build and
    # lock). Two commands: `--bin` would apply to both packages and build no driver.
    subprocess.run(["cargo", "build", "--locked", "--quiet", "-p", "plivo-mpc-conformance",
                    "--bin", "plivo-mpc-mock"], cwd=ROOT, env=env, check=True)
    subprocess.run(["cargo", "build", "--locked", "--quiet", "-p", "plivo-mpc-prism"],
                   cwd=ROOT, env=env, check=True)
    return target / "debug" / "plivo-mpc-mock", target / "debug" / "plivo-mpc-prism"


class Procs:
    def __init__(self):
        self.procs: list[subprocess.Popen] = []

    def start(self, argv, **kw) -> subprocess.Popen:
        p = subprocess.Popen(argv, cwd=ROOT, start_new_session=True, **kw)
        self.procs.append(p)
        return p

    def stop(self):
        for p in self.procs:
            if p.poll() is None:
                try:
                    os.killpg(p.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for p in self.procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)


def wait_listening(port: int, proc: subprocess.Popen, what: str, logfile: Path):
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{what} exited ({proc.returncode}); see {logfile}:\n"
                             + logfile.read_text()[-3000:])
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{what} did not listen on {port} within 60 s; see {logfile}")


def start_prism(procs: Procs, prism: Path, args: list[str], logfile: Path) -> str:
    port = free_port()
    out = open(logfile, "w")
    p = procs.start([str(prism), *args, "-h", "127.0.0.1", "-p", str(port), "--errors"],
                    stdout=out, stderr=subprocess.STDOUT)
    wait_listening(port, p, f"prism {args[0]}", logfile)
    return f"http://127.0.0.1:{port}"


def start_rust_mock(procs: Procs, binary: Path) -> str:
    p = procs.start([str(binary), "--port", "0"], stdout=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    url = next((w for w in line.split() if w.startswith("http://")), None)
    if not url:
        raise SystemExit(f"plivo-mpc-mock did not name its URL: {line!r}")
    threading.Thread(target=p.stdout.read, daemon=True).start()  # drain
    return url


# ---------------------------------------------------------------------------------------------
# HTTP


class Reply:
    def __init__(self, status: int, headers: dict[str, str], body: bytes):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        try:
            return json.loads(self.body) if self.body else None
        except ValueError:
            return {"<not JSON>": self.body[:200].decode("utf-8", "replace")}

    def violations(self) -> str | None:
        return self.headers.get("sl-violations")

    def prism_error(self) -> str | None:
        """Prism's own problem answer (`type` under stoplight.io/prism/errors), shortened."""
        body = self.json()
        if isinstance(body, dict) and "prism/errors#" in str(body.get("type", "")):
            detail = body.get("detail") or body.get("title") or ""
            return f"Prism {self.status} {body['type'].rsplit('#', 1)[-1]}: {str(detail)[:300]}"
        return None


def send(base: str, method: str, path: str, query: str = "", body: bytes | None = None,
         headers: dict[str, str] | None = None) -> Reply:
    u = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    target = path + (f"?{query}" if query else "")
    conn.request(method, target, body=body, headers=headers or {})
    r = conn.getresponse()
    data = r.read()
    hdrs = {k.lower(): v for k, v in r.getheaders()}
    conn.close()
    return Reply(r.status, hdrs, data)


def basic(auth_id: str) -> str:
    return "Basic " + base64.b64encode(f"{auth_id}:{TOKEN}".encode()).decode()


def query_string(query: dict) -> str:
    def text(v):
        if isinstance(v, bool):
            return "true" if v else "false"
        return str(v)
    return urllib.parse.urlencode([(k, text(v)) for k, v in query.items()])


def example_request(op: dict, prefer: str | None, auth: bool = True) -> dict:
    headers = {"Accept": "application/json"}
    if auth:
        headers["Authorization"] = basic(op["auth_id"])
    if prefer:
        headers["Prefer"] = prefer
    body = None
    if op["body"] is not None:
        body = json.dumps(op["body"]).encode()
        headers["Content-Type"] = "application/json"
    return dict(method=op["method"], path=op["path"], query=query_string(op["query"]),
                body=body, headers=headers)


class Shim:
    """A reverse proxy for the Rust client: `/__prism/N/NAME/v1/...` is sent upstream as
    `/v1/...` with `Prefer: code=N, example=NAME` (`-` for no name). Records what came back."""

    def __init__(self, upstream: str):
        self.upstream = upstream
        self.seen: list[dict] = []
        shim = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def handle_one(self):
                parts = self.path.split("/", 4)  # '', '__prism', N, NAME, rest
                if len(parts) < 5 or parts[1] != "__prism":
                    self.send_error(400, "no /__prism/N/NAME prefix")
                    return
                code, name, rest = parts[2], parts[3], "/" + parts[4]
                prefer = f"code={code}" + (f", example={name}" if name != "-" else "")
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in ("host", "connection", "content-length")}
                headers["Prefer"] = prefer
                path, _, query = rest.partition("?")
                r = send(shim.upstream, self.command, path, query, body, headers)
                shim.seen.append(dict(method=self.command, path=path, query=query, code=code,
                                      name=name, status=r.status, violations=r.violations(),
                                      prism_error=r.prism_error()))
                self.send_response(r.status)
                for k, v in r.headers.items():
                    if k not in ("connection", "transfer-encoding", "content-length", "date",
                                 "keep-alive"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(r.body)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(r.body)
                self.close_connection = True

            do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = handle_one

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


def run_driver(driver: Path, base: str) -> list[dict]:
    p = subprocess.run([str(driver), "replay", base], cwd=ROOT, capture_output=True, text=True)
    lines = [json.loads(l) for l in p.stdout.splitlines() if l.startswith("{")]
    if not lines:
        raise SystemExit(f"the replay driver printed nothing ({p.returncode}):\n{p.stderr}")
    return lines


# ---------------------------------------------------------------------------------------------
# The checks


def case_key(op_id: str, status: int, name: str) -> str:
    return f"{op_id} {status} {name}"


def cases_of(op: dict) -> list[tuple[int, str, object]]:
    """(status, example name, value) per documented response; the bare success when the
    operation documents no success example (`-`, no value)."""
    cases = [(e["status"], e["name"], e["value"]) for e in op["examples"]]
    if not any(200 <= s < 300 for s, _, _ in cases):
        cases.append((op["success_status"], "-", None))
    return cases


def prefer_for(status: int, name: str) -> str:
    return f"code={status}" + (f", example={name}" if name != "-" else "")


def check_examples_on_wire(base: str, ops: list[dict], proxy: bool) -> dict[str, list[str]]:
    """Every documented response asked for on the wire; per operation, the failures."""
    fails: dict[str, list[str]] = {op["operation_id"]: [] for op in ops}
    for op in ops:
        for status, name, value in cases_of(op):
            req = example_request(op, prefer_for(status, name))
            r = send(base, **req)
            what = f"{status} {name}"
            if proxy and (r.violations() or r.prism_error()):
                fails[op["operation_id"]].append(
                    f"{what}: {r.prism_error() or 'sl-violations ' + r.violations()}")
            if r.status != status:
                fails[op["operation_id"]].append(f"{what}: status {r.status} {r.json()}")
            elif value is None and r.body:
                fails[op["operation_id"]].append(f"{what}: a body where none is documented")
            elif value is not None and r.json() != value:
                fails[op["operation_id"]].append(f"{what}: body {r.json()} is not the example")
    return fails


def replay_results(lines: list[dict], ops: list[dict]) -> dict[str, list[str]]:
    fails: dict[str, list[str]] = {op["operation_id"]: [] for op in ops}
    for l in lines:
        if not l["ok"]:
            fails[l["operation_id"]].append(f"{l['status']} {l['name']}: {l['detail']}")
    return fails


def shim_violations(shim: Shim, ops: list[dict]) -> dict[str, list[str]]:
    fails: dict[str, list[str]] = {op["operation_id"]: [] for op in ops}
    by_case = {}
    for op in ops:
        for status, name, _ in cases_of(op):
            by_case[(op["method"], op["path"], str(status), name)] = op["operation_id"]
    for s in shim.seen:
        op_id = by_case.get((s["method"], s["path"], s["code"], s["name"]))
        if op_id is None:
            fails.setdefault("(unmatched)", []).append(f"{s['method']} {s['path']}")
            continue
        if s["prism_error"] or s["violations"]:
            fails[op_id].append(f"{s['code']} {s['name']}: "
                                f"{s['prism_error'] or 'sl-violations ' + s['violations']}")
    return fails


def match_operation(ops: list[dict], method: str, path: str) -> str | None:
    """The operation whose template matches, a path value being one segment; failing that, one
    whose template matches with a path value spanning segments (a `/` its client left
    unencoded), so the request is still counted against the operation it was meant for."""
    import re
    for value in ("[^/]+", ".+"):
        found = [op for op in ops if op["method"] == method and re.fullmatch(
            re.sub(r"\\\{[^}]+\\\}", value, re.escape(op["path_template"])), path)]
        if found:
            # The most literal template: `.../Participant/` before `name_{mpc_name}/`.
            best = max(found, key=lambda op: len(re.sub(r"\{[^}]+\}", "", op["path_template"])))
            return best["operation_id"]
    return None


def check_matrix_requests(proxy: str, ops: list[dict], logs: Path) -> tuple[dict, list[str]]:
    """The polyglot matrix's recorded requests, sent again through the validation proxy.
    Returns {row: {operation_id: [failures]}} and the rows found."""
    results: dict[str, dict[str, list[str]]] = {}
    rows = []
    for f in sorted(logs.glob("*-requests.json")):
        row = f.name[: -len("-requests.json")]
        rows.append(row)
        per_op: dict[str, list[str]] = {}
        for req in json.loads(f.read_text()).get("requests", []):
            op_id = match_operation(ops, req["method"], req["path"])
            key = op_id or f"(no operation) {req['method']} {req['path']}"
            per_op.setdefault(key, [])
            headers = {}
            for h, name in (("authorization", "Authorization"), ("content_type", "Content-Type"),
                            ("user_agent", "User-Agent")):
                if req.get(h):
                    headers[name] = req[h]
            prefer = req.get("prefer")
            if req.get("example") and not prefer:
                prefer = f"example={req['example']}"
            if prefer:
                headers["Prefer"] = prefer
            body = req["body"].encode() if req.get("body") else None
            r = send(proxy, req["method"], req["path"], req.get("query") or "", body, headers)
            if r.prism_error() or r.violations():
                what = r.prism_error() or f"sl-violations {r.violations()}"
                per_op[key].append(f"{req['method']} {req['path']}: {what}")
        results[row] = per_op
    return results, rows


# ---------------------------------------------------------------------------------------------
# Where the two mocks differ


def probes(ops: list[dict]) -> list[tuple[str, str, dict]]:
    """(title, operation, request) asked of both mocks."""
    by_id = {op["operation_id"]: op for op in ops}
    out = []
    for op in ops:
        out.append((f"no `Prefer`: {op['operation_id']}", op["operation_id"],
                    example_request(op, None)))
    lst = by_id["listMpcs"]
    add = by_id["addParticipantByName"]
    kick = by_id["kickParticipantByName"]
    get = by_id["getMpcByName"]
    def variant(op, **changes):
        req = example_request(op, None)
        req.update(changes)
        return req
    out += [
        ("no Authorization header", "listMpcs", example_request(lst, None, auth=False)),
        ("Basic user other than the path's auth_id", "listMpcs",
         variant(lst, headers={"Authorization": basic("MAOTHERXXXXXXXXXXXXX")})),
        ("query `limit=abc`", "listMpcs", variant(lst, query="limit=abc")),
        ("query `limit=21` (above maximum)", "listMpcs", variant(lst, query="limit=21")),
        ("unknown query parameter `colour=red`", "listMpcs", variant(lst, query="colour=red")),
        ("request body `{}` (role missing)", "addParticipantByName", variant(add, body=b"{}")),
        ("request body not JSON", "addParticipantByName",
         variant(add, body=b"role=agent", headers={**example_request(add, None)["headers"],
                                                  "Content-Type": "text/plain"})),
        ("`Prefer: example=no_such_example`", "getMpcByName",
         example_request(get, "example=no_such_example")),
        ("`Prefer: code=418` (undocumented status)", "getMpcByName",
         example_request(get, "code=418")),
        ("`Prefer: code=404`", "getMpcByName", example_request(get, "code=404")),
        ("`Prefer: code=204` on a 204 operation", "kickParticipantByName",
         example_request(kick, "code=204")),
        ("`Prefer: code=404` on a 204 operation", "kickParticipantByName",
         example_request(kick, "code=404")),
        ("unknown path", "-", variant(lst, path=lst["path"] + "Nothing/")),
        ("path without its trailing slash", "listMpcs", variant(lst, path=lst["path"].rstrip("/"))),
        ("known path, method PUT (not in the spec)", "getMpcByName", variant(get, method="PUT")),
    ]
    return out


def summarise(r: Reply, op: dict | None) -> str:
    body = r.json()
    names = [e["name"] for e in (op or {}).get("examples", [])
             if e["status"] == r.status and e["value"] == body]
    if names:
        shown = f"the spec's example `{names[0]}`"
    elif body is None:
        shown = "no body"
    elif isinstance(body, dict) and "type" in body and "title" in body and "status" in body:
        shown = f"Prism problem `{body['type'].rsplit('#', 1)[-1]}`"
    elif isinstance(body, dict) and "error" in body:
        shown = f"error `{str(body['error'])[:60]}`"
    else:
        shown = "a body that is no example"
    return f"{r.status}, {shown}"


def compare_mocks(prism: str, rust: str, ops: list[dict]):
    """Rows (request, operation, prism's answer, the Rust mock's answer), and the operations
    whose answer to the plain example request (no `Prefer`) is the same from both."""
    by_id = {op["operation_id"]: op for op in ops}
    rows = []
    same_default = []
    for title, op_id, req in probes(ops):
        a = send(prism, **req)
        b = send(rust, **req)
        same = a.status == b.status and a.json() == b.json()
        op = by_id.get(op_id)
        if title.startswith("no `Prefer`") and same:
            same_default.append(op_id)
            continue
        sa, sb = summarise(a, op), summarise(b, op)
        if same:
            sa, sb = sa + " (same)", sb + " (same)"
        rows.append((title, op_id, sa, sb))
    return rows, same_default


# ---------------------------------------------------------------------------------------------
# PRISM.md


def mark(fails: list[str] | None) -> str:
    if fails is None:
        return "n/a"
    return "pass" if not fails else f"**FAIL** ({len(fails)})"


def render(ops, n_cases, mock_fails, replay_fails, proxy_ex, proxy_client, matrix, rows,
           differences, same_default, replay_notes, version) -> str:
    L = []
    L.append("# The spec in Stoplight Prism")
    L.append("")
    L.append(f"Written by `.ci/prism` (`conformance/prism/run.py`) with `@stoplight/prism-cli` "
             f"{version} (pinned in `conformance/prism/package.json`). Do not edit by hand.")
    L.append("")
    L.append(f"- **mock examples**: `prism mock {SPEC} --errors` asked, on the wire, for each of "
             f"the operation's documented responses (`Prefer: code=N, example=NAME`, the spec's "
             f"example path values, query values and request body): status and JSON body equal "
             f"to the example; for an operation that documents no success body, its bare "
             f"success status and no body ({n_cases} cases in all).")
    L.append("- **client replay**: the Rust client (`call_by_operation_id`) against that Prism "
             "mock, for the same cases: the status, and the decoded value (or typed API error) "
             "written back as JSON equals the example.")
    L.append(f"- **proxy: examples** and **proxy: Rust client**: `prism proxy {SPEC} "
             "<plivo-mpc-mock> --errors` in front of `cargo xtask mock`, sent the requests of "
             "the two columns before: no `sl-violations` header and no Prism error, for the "
             "request or the mock's response.")
    L.append("- **proxy: matrix**: the requests each client of the polyglot matrix sent in its "
             "last run (as `plivo-mpc-mock` recorded them, `<target>/polyglot/logs/"
             "<row>-requests.json`), sent again through the same proxy: no violation. "
             "`rust` there is the matrix's own Rust row.")
    L.append("")
    total_fail = any(mock_fails.values()) or any(replay_fails.values()) or \
        any(proxy_ex.values()) or any(proxy_client.values()) or \
        any(f for per in matrix.values() for f in per.values())
    L.append("Result: " + ("**failures, listed below the table**." if total_fail else
                           "every check passes for every operation."))
    L.append("")
    L.append("`.ci/prism` fails when a check fails that is not listed under Failures here (the "
             "listed ones are clients' known violations, which the polyglot matrix reports "
             "too), or on every failure with `--strict`. It also checks that the proxy does "
             "report a violation: `limit=abc` on `listMpcs`.")
    L.append("")
    L.append("| operation | mock examples | client replay | proxy: examples | proxy: Rust client "
             "| proxy: matrix |")
    L.append("|---|---|---|---|---|---|")
    for op in ops:
        oid = op["operation_id"]
        sent = [row for row in rows if oid in matrix.get(row, {})]
        bad = [row for row in sent if matrix[row][oid]]
        mcell = ("not sent by any client" if not sent else
                 (f"pass ({len(sent)} clients)" if not bad else f"**FAIL** ({', '.join(bad)})"))
        L.append(f"| `{oid}` | {mark(mock_fails[oid])} | {mark(replay_fails[oid])} | "
                 f"{mark(proxy_ex[oid])} | {mark(proxy_client[oid])} | {mcell} |")
    L.append("")
    if rows:
        L.append("Matrix rows whose requests were validated: " + ", ".join(f"`{r}`" for r in rows)
                 + ".")
        extra = sorted({k for per in matrix.values() for k in per if k.startswith("(no op")})
        if extra:
            L.append("")
            L.append("Requests that matched no operation of the spec: "
                     + "; ".join(f"`{e}`" for e in extra) + ".")
        L.append("")
    if total_fail:
        L.append("## Failures")
        L.append("")
        for title, fails in (("mock examples", mock_fails), ("client replay", replay_fails),
                             ("proxy: examples", proxy_ex), ("proxy: Rust client", proxy_client)):
            for oid, fs in fails.items():
                for f in fs:
                    L.append(f"- {title}, `{oid}`: {f}")
        for row, per in matrix.items():
            for oid, fs in per.items():
                for f in sorted(set(fs)):
                    L.append(f"- proxy: matrix, `{row}`, `{oid}`: {f}")
        L.append("")
    L.append("## Where Prism and `cargo xtask mock` answer differently")
    L.append("")
    L.append("The same requests sent to `prism mock --errors` and to `plivo-mpc-mock` "
             "(what `cargo xtask mock` runs); status and what the body is. Requests with "
             "example path values, query and body and a valid Basic user unless the row says "
             "otherwise.")
    L.append("")
    L.append(f"With no `Prefer` header the two mocks give the same answer for "
             f"{len(same_default)} of {len(ops)} operations.")
    L.append("")
    L.append("| request | operation | `prism mock` | `cargo xtask mock` |")
    L.append("|---|---|---|---|")
    for title, op_id, a, b in differences:
        L.append(f"| {title} | `{op_id}` | {a} | {b} |")
    L.append("")
    if replay_notes:
        L.append("Client replay cases that pass only with numbers compared by value (Prism, in "
                 "JavaScript, writes a number such as the spec's `15.0` as `15`; the client "
                 "keeps the number as it read it, so it writes back `15`):")
        L.append("")
        L.extend(f"- {n}" for n in replay_notes)
        L.append("")
    return "\n".join(L)


# What follows this line in the committed PRISM.md is written by hand; run.py keeps it.
NOTES_MARK = "<!-- Written by hand below this line; run.py keeps it. -->\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--polyglot-logs", help="the matrix's recorded requests (default: "
                    "<target>/polyglot/logs)")
    ap.add_argument("--no-write", action="store_true", help="do not write PRISM.md")
    ap.add_argument("--strict", action="store_true",
                    help="fail on every failure, also those the committed PRISM.md lists")
    ap.add_argument("--prefetch", action="store_true",
                    help="only install the pinned Prism (.ci/prefetch runs this)")
    args = ap.parse_args()
    target = target_dir()
    prism = install_prism(target / "prism")
    if args.prefetch:
        log("prefetch: done")
        return 0
    version = subprocess.run([str(prism), "--version"], capture_output=True, text=True,
                             cwd=ROOT).stdout.strip()
    mock_bin, driver = cargo_build(target)
    plan = json.loads(subprocess.run([str(driver), "plan"], cwd=ROOT, capture_output=True,
                                     text=True, check=True).stdout)
    ops = plan["operations"]
    n_cases = sum(len(cases_of(op)) for op in ops)
    logdir = target / "prism" / "logs"
    logdir.mkdir(parents=True, exist_ok=True)
    logs = Path(args.polyglot_logs) if args.polyglot_logs else target / "polyglot" / "logs"

    procs = Procs()
    try:
        prism_mock = start_prism(procs, prism, ["mock", SPEC], logdir / "mock.log")
        log(f"prism mock at {prism_mock}")
        mock_fails = check_examples_on_wire(prism_mock, ops, proxy=False)
        shim = Shim(prism_mock)
        lines = run_driver(driver, shim.url)
        replay_fails = replay_results(lines, ops)
        replay_notes = sorted({f"`{l['operation_id']}` `{l['status']} {l['name']}`: {l['detail']}"
                               for l in lines if l["ok"] and l["detail"]})
        shim.close()

        rust = start_rust_mock(procs, mock_bin)
        proxy = start_prism(procs, prism, ["proxy", SPEC, rust], logdir / "proxy.log")
        log(f"prism proxy at {proxy} in front of {rust}")
        proxy_ex = check_examples_on_wire(proxy, ops, proxy=True)
        # The proxy must report what it should: a query value its schema refuses.
        lst = next(op for op in ops if op["operation_id"] == "listMpcs")
        bad = send(proxy, **dict(example_request(lst, None), query="limit=abc"))
        if not (bad.violations() or bad.status == 422):
            proxy_ex["listMpcs"].append(
                f"self-check: `limit=abc` through the proxy was not reported ({bad.status})")
        shim = Shim(proxy)
        lines = run_driver(driver, shim.url)
        proxy_client = shim_violations(shim, ops)
        for oid, fs in replay_results(lines, ops).items():
            proxy_client.setdefault(oid, []).extend(f"through the proxy: {f}" for f in fs)
        shim.close()
        if logs.is_dir() and any(logs.glob("*-requests.json")):
            matrix, rows = check_matrix_requests(proxy, ops, logs)
        else:
            log(f"no matrix requests in {logs} (run .ci/polyglot first): not written")
            matrix, rows = {}, []
            args.no_write = True
        differences, same_default = compare_mocks(prism_mock, rust, ops)
    finally:
        procs.stop()

    text = render(ops, n_cases, mock_fails, replay_fails, proxy_ex, proxy_client, matrix, rows,
                  differences, same_default, replay_notes, version)
    old = OUT.read_text() if OUT.exists() else ""
    text += NOTES_MARK + (old.split(NOTES_MARK, 1)[1] if NOTES_MARK in old else "")
    if args.no_write:
        print(text)
    else:
        OUT.write_text(text)
        log(f"wrote {OUT.relative_to(ROOT)}")
    # A failure already listed in the committed PRISM.md is known (a client's, reported in the
    # polyglot matrix too); a new one fails the run, every one with --strict.
    known = set(failure_lines(old))
    new = [f for f in failure_lines(text) if args.strict or f not in known]
    for f in new:
        log(f"FAILED: {f}")
    return 1 if new else 0


def failure_lines(text: str) -> list[str]:
    if "\n## Failures\n" not in text:
        return []
    section = text.split("\n## Failures\n", 1)[1].split("\n## ", 1)[0]
    return [l for l in section.splitlines() if l.startswith("- ")]


if __name__ == "__main__":
    sys.exit(main())
