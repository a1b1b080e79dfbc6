"""Orchestration: which rows run, the harness config they share, and the mock's request record.

The mock (`plivo-mpc-mock`, started by `cargo xtask polyglot`) is the only implementation of
example selection and request recording: a harness reaches example NAME through the base URL
`<mock>/__example/NAME`, sends its request-check calls to `<mock>` itself, and the runner reads
what the mock saw from `GET <mock>/__mock/requests` (which also forgets it) before and after each
harness.

The harness config (JSON, `<target>/polyglot/config.json`):
  auth_id, auth_token, mpc_name, mpc_uuid, call_uuid,
  examples: {example name: base URL that serves it},
  requests_url: base URL for the request checks,
  request_calls: [{id, by: "name"|"uuid", mpc, call_uuid|null}],
  api_names: every property name of every schema of the spec, sorted (see property_names):
    a harness whose client renames the API's keys (Plivo's Node and Java SDKs camel-case
    them) prints each key under the API's name it stands for

The scope is the participant list (`listParticipantsByName`, `listParticipantsByUuid`): every
200 example of those two operations, and the request checks below. The generated clients are
generated from the whole spec all the same.

The operations run (`Row.ops`: the generated clients that run, and Plivo's SDKs through the
table of their methods in each SDK harness): every operation of the spec, once, read from the
spec alone. Its config (JSON, `<target>/polyglot/operations.json`):
  auth_id, auth_token, requests_url, api_names (as above),
  operations: [{id, api (the tag as a class name, e.g. MultiPartyCallsApi), method, path,
                examples: [{name, status, model (the response schema's component name, or
                null), url (the base URL that serves it)}] (every response example),
                path_params: [[name, example value]] in path order, body (the first example of
                its requestBody, or null), body_model (the requestBody schema's component
                name, or null), body_required,
                query: [[name, example]] of its query parameters in spec order}]
An operation with query parameters is called twice: once with none, once (reported as
`<id>+query`) with every query parameter set to its example, by the generator's own naming
(the name as given in Python, Ruby; camelCase fields or setters in TypeScript, Go; position
after the path values in Java, PHP).
Each generated client's harness then calls every operation by reflection on the generated API
classes (no code per operation), each SDK's harness through its table (operationId without
ByName/ByUuid -> the SDK's method, arguments from the same path values, body example and
query), against the mock's default answer, then once per response example at that example's
base URL, and prints {"client", "operations": {id: "ok" | "error: ..." | "unsupported: ..." (no
such method in the SDK)}, "examples": {id: {example: parse | {"$raises", "$status", "$body" |
"$message", "$error"}}}, "notes": [...]}; the runner checks what the mock recorded
(compare.compare_operations), compares each parse with the Rust row's (reference_parse, itself
held to the example values; compare.compare_op_examples) and gives each operation its own cell
(compare.operation_cells). The Rust row runs the operations too.
"""

from __future__ import annotations

import dataclasses
import http.client
import json
import re
import subprocess
import time
import urllib.parse
from pathlib import Path

from . import compare, rows as rowdefs
from .prism import prism_row
from . import workspace as ws
from .rows import Context, Row
from .workspace import ROOT, StepError

OPERATIONS = ("listParticipantsByName", "listParticipantsByUuid")
AUTH_TOKEN = "polyglot-token"
# A name that needs percent-encoding: a space and a '/' inside one path segment.
ENCODED_NAME = "my conf/1"
EXAMPLE_PREFIX = "/__example/"
REQUESTS_PATH = "/__mock/requests"


# ------------------------------------------------------------------------------- the mock
class Mock:
    """The running mock: its URL, and its request record."""

    def __init__(self, url: str):
        self.url = url.rstrip("/")
        parsed = urllib.parse.urlsplit(self.url)
        self.host, self.port = parsed.hostname, parsed.port

    def example_url(self, name: str) -> str:
        return f"{self.url}{EXAMPLE_PREFIX}{urllib.parse.quote(name, safe='')}"

    def _send(self, method: str, target: str, headers: dict | None = None,
              body: bytes | None = None) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            conn.request(method, target, body=body, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, resp.read()
        finally:
            conn.close()

    def take(self) -> tuple[list[dict], int]:
        """The requests the mock saw since the last call, and how many it dropped."""
        status, body = self._send("GET", REQUESTS_PATH)
        if status != 200:
            raise StepError(f"GET {REQUESTS_PATH}: the mock answered {status}")
        data = json.loads(body)
        return data.get("requests", []), int(data.get("dropped", 0))

    def answer_to(self, rec: dict):
        """What the mock answers to a recorded request sent again as it was, body included:
        (status, JSON body or None); the caller takes the replays off the record."""
        target = rec["path"] + (f"?{rec['query']}" if rec.get("query") else "")
        headers = {"Authorization": rec["authorization"]} if rec.get("authorization") else {}
        body = (rec.get("body") or "").encode() or None
        if body:
            headers["Content-Type"] = "application/json"
        try:
            status, raw = self._send(rec["method"], target, headers, body)
        except (OSError, http.client.HTTPException):
            return 0, None
        try:
            return status, json.loads(raw) if raw.strip() else None
        except ValueError:
            return status, None

    def status_of(self, rec: dict) -> int:
        """What the mock answers to a recorded request, sent again as it was (method, path,
        query, Authorization); the caller takes the replays off the record."""
        target = rec["path"] + (f"?{rec['query']}" if rec.get("query") else "")
        headers = {"Authorization": rec["authorization"]} if rec.get("authorization") else {}
        try:
            return self._send(rec["method"], target, headers)[0]
        except (OSError, http.client.HTTPException):
            return 0


# ------------------------------------------------------------------------------ the spec
def load_spec(spec: Path) -> dict:
    """The spec as JSON, read with the venv's PyYAML."""
    out = subprocess.run([str(ws.W.venv / "bin" / "python"), "-c",
                          "import json, sys, yaml; "
                          "print(json.dumps(yaml.safe_load(open(sys.argv[1]))))",
                          str(spec)], capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def _resolve(spec: dict, obj: dict) -> dict:
    while isinstance(obj, dict) and "$ref" in obj:
        node = spec
        for part in obj["$ref"].lstrip("#/").split("/"):
            node = node[part]
        obj = node
    return obj


def scope(spec: dict) -> tuple[list[dict], list[str]]:
    """The in-scope operations' parameters (path ones included, resolved) and their 200
    examples, in spec order."""
    params, examples = [], []
    for item in spec["paths"].values():
        for method, op in item.items():
            if not isinstance(op, dict) or op.get("operationId") not in OPERATIONS:
                continue
            for p in item.get("parameters", []) + op.get("parameters", []):
                params.append(_resolve(spec, p))
            resp = _resolve(spec, op["responses"].get("200") or op["responses"].get(200) or {})
            for media in resp.get("content", {}).values():
                for name in media.get("examples", {}):
                    if name not in examples:
                        examples.append(name)
    return params, examples


def query_defaults(params: list[dict]) -> dict[str, str]:
    """Query parameter -> its schema default, as text."""
    out = {}
    for p in params:
        default = p.get("schema", {}).get("default")
        if p.get("in") == "query" and default is not None:
            out[p["name"]] = default if isinstance(default, str) else json.dumps(default)
    return out


def _camel_class(tag: str) -> str:
    """A tag as openapi-generator names its API class: `Multi-Party Calls` -> MultiPartyCallsApi."""
    words = re.split(r"[^A-Za-z0-9]+", tag)
    return "".join(w[:1].upper() + w[1:] for w in words if w) + "Api"


def all_operations(spec: dict) -> list[dict]:
    """Every operation of the spec, in spec order, with what a call needs (see the docstring)."""
    ops = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if not isinstance(op, dict) or "operationId" not in op:
                continue
            params = [_resolve(spec, p) for p in item.get("parameters", []) +
                      op.get("parameters", [])]
            by_name = {p["name"]: p for p in params if p.get("in") == "path"}
            path_params = []
            for name in re.findall(r"\{([^}]+)\}", path):
                p = by_name[name]
                value = p.get("example")
                if value is None:
                    value = next(iter(p.get("examples", {}).values()), {}).get("value")
                path_params.append([name, str(value)])
            body, model, required, body_defaults = None, None, False, {}
            rb = op.get("requestBody")
            if rb:
                required = bool(_resolve(spec, rb).get("required"))
                media = _resolve(spec, rb).get("content", {}).get("application/json", {})
                ref = media.get("schema", {}).get("$ref", "")
                model = ref.rsplit("/", 1)[-1] or None
                props = _resolve(spec, media.get("schema", {})).get("properties", {})
                body_defaults = {k: _resolve(spec, v)["default"] for k, v in props.items()
                                 if "default" in _resolve(spec, v)}
                exs = media.get("examples") or {}
                if exs:
                    body = _resolve(spec, next(iter(exs.values()))).get("value")
                elif "example" in media:
                    body = media["example"]
            query = []
            for p in params:
                if p.get("in") == "query":
                    value = p.get("example")
                    if value is None:
                        value = next(iter(p.get("examples", {}).values()), {}).get("value")
                    if value is not None:
                        query.append([p["name"], value])
            tag = (op.get("tags") or ["Default"])[0]
            ops.append({"id": op["operationId"], "query": query, "api": _camel_class(tag),
                        "method": method.upper(), "path": path, "path_params": path_params,
                        "body": body, "body_model": model, "body_required": required,
                        "defaults": query_defaults(params), "body_defaults": body_defaults,
                        "examples": response_examples(spec, op)})
    return ops


def property_names(spec: dict) -> list[str]:
    """Every property name of every schema of the spec (components and inline ones alike),
    sorted: the API's own spelling of each key of an answer. Example values are skipped, as
    their keys are data, not schema."""
    names: set[str] = set()

    def walk(node) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("properties"), dict):
                names.update(node["properties"])
            for key, value in node.items():
                if key not in ("example", "examples"):
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(spec)
    return sorted(names)


def response_status(key) -> int:
    """A response key as the status the mock serves for it: `404`, or a range (`5XX`) as its
    first status (500), as the spec's catalogue reads it."""
    text = str(key).upper()
    return int(text.replace("XX", "00")) if text.endswith("XX") else int(text)


def response_examples(spec: dict, op: dict) -> list[dict]:
    """Every response example of an operation (success and error statuses) as [name, status],
    in the spec's order; `default` responses have no status to ask for and are left out."""
    out = []
    for key, response in op.get("responses", {}).items():
        if str(key) == "default":
            continue
        for media in _resolve(spec, response).get("content", {}).values():
            for name in media.get("examples", {}):
                example = _resolve(spec, media["examples"][name])
                model = media.get("schema", {}).get("$ref", "").rsplit("/", 1)[-1] or None
                out.append({"name": name, "status": response_status(key), "model": model,
                            "value": example.get("value")})
    return out


def operations_config(cfg: dict, ops: list[dict], mock: Mock) -> dict:
    """The operations config; each example gets the base URL that serves it."""
    def entry(op: dict) -> dict:
        out = {k: v for k, v in op.items() if k not in ("defaults", "body_defaults")}
        out["examples"] = [{"name": ex["name"], "status": ex["status"], "model": ex["model"],
                            "url": mock.example_url(ex["name"])} for ex in op["examples"]]
        return out
    return {"auth_id": cfg["auth_id"], "auth_token": cfg["auth_token"],
            "requests_url": cfg["requests_url"], "api_names": cfg["api_names"],
            "operations": [entry(op) for op in ops]}


def harness_config(mock: Mock, params: list[dict], examples: list[str],
                   api_names: list[str]) -> dict:
    cfg = {"auth_id": "MANWVLYTK4ZWU1YTY4QA", "auth_token": AUTH_TOKEN,
           "mpc_name": "test_mpc_1", "mpc_uuid": "d5c8be43-87d0-4ba6-90a1-011bb6ab0a00",
           "call_uuid": "58e76e86-54b8-402e-9d83-a16e29b6582c"}
    for p in params:
        if p.get("name") in cfg and "example" in p:
            cfg[p["name"]] = str(p["example"])
    cfg["examples"] = {name: mock.example_url(name) for name in examples}
    cfg["requests_url"] = mock.url
    cfg["request_calls"] = [
        {"id": "by_name", "by": "name", "mpc": cfg["mpc_name"], "call_uuid": None},
        {"id": "by_name_call_uuid", "by": "name", "mpc": cfg["mpc_name"],
         "call_uuid": cfg["call_uuid"]},
        {"id": "by_uuid", "by": "uuid", "mpc": cfg["mpc_uuid"], "call_uuid": None},
        {"id": "by_uuid_call_uuid", "by": "uuid", "mpc": cfg["mpc_uuid"],
         "call_uuid": cfg["call_uuid"]},
        {"id": "by_encoded_name", "by": "name", "mpc": ENCODED_NAME, "call_uuid": None},
    ]
    cfg["api_names"] = api_names
    return cfg


# ------------------------------------------------------------------------------- running
def example_values(ops: list[dict]) -> dict:
    """The spec's examples as the Rust client reads them when it reads them exactly (the replay
    suite's round trip): what the Rust row's own readings are held to."""
    def reading(ex: dict):
        if 200 <= ex["status"] < 300:
            return ex["value"]
        return {"$raises": "MpcError", "$status": ex["status"], "$body": ex["value"]}
    return {"examples": {op["id"]: {ex["name"]: reading(ex) for ex in op["examples"]}
                         for op in ops}}


def run_operations(row: Row, ctx: Context, mock: Mock, ops: list[dict],
                   reference: dict | None) -> dict | None:
    """The operations cell and every example's parse: the harness again, with the operations
    config. Returns the harness's output (the Rust row's is the reference of the others)."""
    if not row.ops:
        why = ("the reference: list participants only" if row.id == "rust" else
               "Plivo's SDK: list participants only" if row.client.startswith("official SDK")
               else "not built")
        row.cells["operations"] = row.cells["operations with query"] = ("skip", why)
        return None
    if row.cells.get("build", ("", ""))[0] != "pass" or not row.run:
        row.cells["operations"] = row.cells["operations with query"] = ("skip", "not built")
        return None
    mock.take()
    octx = dataclasses.replace(ctx, config_path=ws.W.operations, cfg={})
    try:
        output = row.run(row, octx)
    except StepError as e:
        row.cells["operations"] = row.cells["operations with query"] = \
            ("fail", f"harness failed: {e}")
        mock.take()
        return None
    records, dropped = mock.take()
    # The example runs are checked by their parses, not as requests.
    records = [r for r in records if not compare.is_example_run(r)]
    for rec in records:
        rec["status"], rec["answer"] = mock.answer_to(rec)
    mock.take()  # the replays
    ws.W.log_path(row.id, "operations-requests").with_suffix(".json").write_text(
        json.dumps({"requests": records, "dropped": dropped}, indent=2))
    compare.compare_operations(row, output, ctx.cfg, ops, records, dropped)
    compare.compare_op_examples(row, output, ops, reference or example_values(ops))
    return output


def run_row(row: Row, ctx: Context, mock: Mock, examples: list[str], reference: dict | None,
            defaults: dict[str, str]) -> tuple[dict | None, dict | None]:
    """The row's steps and comparisons; returns its harness outputs (listing, operations)."""
    started = time.monotonic()
    output = None
    for step, fn in (("generate", row.generate), ("build", row.build)):
        try:
            row.cells[step] = fn(row, ctx) if fn else ("skip", "")
        except rowdefs.Skip as e:
            row.cells[step] = ("skip", str(e))
        except StepError as e:
            row.cells[step] = ("fail", str(e))
        # A generate cell that failed with a client all the same (see rows.gen_cli) goes on.
        generated = step == "generate" and row.state.get("generated")
        if (row.cells[step][0] == "fail" and not generated) or \
                (step == "build" and row.cells[step][0] != "pass"):
            break
    can_run = row.run and row.cells.get("build", ("", ""))[0] == "pass"
    records, dropped = [], 0
    if can_run:
        mock.take()  # whatever came before this harness
        try:
            output = row.run(row, ctx)
        except StepError as e:
            row.cells["run"] = ("fail", str(e))
        records, dropped = mock.take()
        for rec in records:
            if not compare.is_example_run(rec):
                rec["status"] = mock.status_of(rec)
        mock.take()  # the replays
        ws.W.log_path(row.id, "requests").with_suffix(".json").write_text(
            json.dumps({"requests": records, "dropped": dropped}, indent=2))
    if output is not None:
        compare.compare_parses(row, output, examples, reference or output)
        compare.compare_requests(row, output, ctx.cfg, records, dropped, defaults)
    else:
        why = row.cells.get("run") or next(((s, n) for s, n in row.cells.values() if s != "pass"),
                                           ("skip", ""))
        built = row.cells.get("build", ("skip", ""))[0] == "pass"
        note = "harness failed" if why[0] == "fail" and "run" in row.cells else \
            ("generate only" if built and not row.run else "not built")
        for col in examples + ["request check"]:
            row.cells[col] = ("fail" if "run" in row.cells else "skip", note)
        if "run" in row.cells:
            row.details.append(f"harness: {row.cells['run'][1]}")
    ops_output = run_operations(row, ctx, mock, ctx.operations,
                                (reference or {}).get("operations_output"))
    compare.operation_cells(row, ctx.operations, examples, OPERATIONS)
    row.seconds = time.monotonic() - started
    return output, ops_output


def run_matrix(spec: Path, mock_url: str, only: set[str] | None) -> dict:
    """Runs the rows (the Rust reference always, first) and returns the results (report.py)."""
    started = time.monotonic()
    ws.W.work.mkdir(parents=True, exist_ok=True)
    mock = Mock(mock_url)
    print(f"polyglot: mock at {mock.url}; scratch in {ws.W.work}", flush=True)
    t = time.monotonic()
    rowdefs.py_env()
    print(f"polyglot: venv ready ({time.monotonic() - t:.0f} s)", flush=True)

    document = load_spec(spec)
    params, examples = scope(document)
    cfg = harness_config(mock, params, examples, property_names(document))
    defaults = query_defaults(params)
    ws.W.config.write_text(json.dumps(cfg, indent=2))
    ops = all_operations(document)
    ws.W.operations.write_text(json.dumps(operations_config(cfg, ops, mock), indent=2))
    ctx = Context(spec=spec, config_path=ws.W.config, cfg=cfg, operations=ops)

    selected = [r for r in rowdefs.all_rows() if r.id == "rust" or only is None or r.id in only]
    reference = None
    for row in selected:
        print(f"polyglot: {row.id} ...", flush=True)
        out, ops_out = run_row(row, ctx, mock, examples, reference, defaults)
        if row.id == "rust":
            if out is None or ops_out is None:
                raise StepError(f"the Rust reference failed: {row.cells}")
            reference = dict(out, operations_output=ops_out)
            ws.W.reference.write_text(json.dumps(out, indent=2, sort_keys=True))
        status = ", ".join(f"{k}={v[0]}" for k, v in row.cells.items() if k != "run")
        print(f"polyglot: {row.id} done in {row.seconds:.0f} s: {status}", flush=True)

    def scrub(text: str) -> str:
        """A note as every machine would write it: no port, no target dir, no checkout."""
        for raw, shown in ((mock.url, "<mock>"), (str(ws.W.target), "<target>"),
                           (str(ROOT), ".")):
            text = text.replace(raw, shown)
        return " ".join(text.split())

    columns = ["generate", "build"] + examples + ["request check", "operations",
                                                  "operations with query"]
    op_columns = [op["id"] for op in ops]
    rows = [{
        "id": r.id, "language": r.language, "client": r.client,
        "cells": {c: {"status": r.cells.get(c, ("skip", ""))[0],
                      "note": scrub(r.cells.get(c, ("skip", ""))[1])}
                  for c in columns + op_columns},
        "details": [scrub(d) for d in r.details],
        "seconds": round(r.seconds, 1),
    } for r in selected]
    prism = prism_row(op_columns) if only is None or "prism" in only else None
    if prism:
        rows.append(prism)
    return {
        "spec": {"path": ws.W.shown(spec), "sha256": _sha256(spec)},
        "generator": f"openapi-generator-cli {rowdefs.OPENAPI_GENERATOR_CLI}",
        "operations": list(OPERATIONS),
        "all_operations": len(ops),
        "examples": examples,
        "columns": columns,
        "op_columns": op_columns,
        "encoded_name": ENCODED_NAME,
        "rows": rows,
        "only": sorted(only) if only else None,
        "seconds": round(time.monotonic() - started, 1),
    }


def _sha256(path: Path) -> str:
    return ws.digest(path)
