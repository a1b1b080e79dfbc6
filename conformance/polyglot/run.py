#!/usr/bin/env python3
"""Cross-language conformance matrix for openapi/plivo-mpc.yaml (`cargo xtask polyglot`).

`cargo xtask polyglot` serves the spec's mock in-process and runs this script with
`--mock-url`. For every row (a language and a client: generated from the spec by
openapi-generator, or one of Plivo's official SDKs) it generates, builds and runs a small
committed harness under conformance/polyglot/<row>/ in scratch folders under target/polyglot/,
then compares what the client parsed with what the Rust client parsed (the reference,
conformance/examples/reference_parse.rs), and checks the requests the client sent against the
spec. It prints the matrix and writes it to conformance/polyglot/MATRIX.md.

Every harness gets one argument, the path of a JSON config:
  auth_id, auth_token, mpc_name, mpc_uuid, call_uuid,
  examples: {example name: base URL that serves it},
  requests_url: base URL whose requests are recorded and checked,
  request_calls: [{id, by: "name"|"uuid", mpc, call_uuid|null}]
and prints one JSON document on stdout:
  {"client": "...", "parses": {example: {"by_name": page|{"$error"}, "by_uuid": ...}},
   "calls": {id: "ok" | "error: ..."}}
Each example's base URL is a local forwarder to the mock that adds `Prefer: example=NAME` when
the client did not send it (harnesses send it themselves where the client allows a header).

Standard library only: it runs on the system python3 and builds its own virtualenv.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

# ---------------------------------------------------------------------------------------------
# Pins. Every tool and client comes from its own registry at an exact version.
OPENAPI_GENERATOR_CLI = "7.26.0"  # PyPI wheel; it ships the generator jar
PLIVO_PYTHON = "4.63.0"  # PyPI
PLIVO_NODE = "4.79.0"  # npm
PLIVO_JAVA = "5.46.3"  # Maven Central, com.plivo:plivo-java
PLIVO_GO = "github.com/plivo/plivo-go/v7"  # Go module proxy (refused here, see go-sdk)
TYPESCRIPT = "5.9.3"  # npm, compiles the typescript-fetch client
# ---------------------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
HERE = ROOT / "conformance" / "polyglot"
WORK = ROOT / "target" / "polyglot"
LOGS = WORK / "logs"
MATRIX = HERE / "MATRIX.md"
VENV = WORK / "venv"
NODE = WORK / "node"
GEN = WORK / "gen"

AUTH_TOKEN = "polyglot-token"
# A name that needs percent-encoding: a space and a '/' inside one path segment.
ENCODED_NAME = "my conf/1"


# ------------------------------------------------------------------------------ small helpers
class StepError(Exception):
    """A step failed; the message is the matrix note."""


def log_path(row: str, step: str) -> Path:
    LOGS.mkdir(parents=True, exist_ok=True)
    return LOGS / f"{row}-{step}.log"


def sh(row: str, step: str, cmd: list[str], cwd: Path = ROOT, env: dict | None = None,
       timeout: int = 900, stdout_to: Path | None = None) -> str:
    """Runs cmd, logs its output, returns stdout; raises StepError with the last lines."""
    log = log_path(row, step)
    full_env = dict(os.environ)
    full_env.update(env or {})
    with open(log, "a") as out:
        out.write(f"$ (cd {cwd}) {' '.join(cmd)}\n")
        out.flush()
        try:
            proc = subprocess.run(cmd, cwd=cwd, env=full_env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, timeout=timeout)
        except FileNotFoundError as e:
            raise StepError(f"{cmd[0]} not found") from e
        except subprocess.TimeoutExpired as e:
            raise StepError(f"{cmd[0]} timed out after {timeout} s") from e
        out.write(proc.stderr)
        if stdout_to is None:
            out.write(proc.stdout)
    if proc.returncode != 0:
        lines = [l for l in (proc.stderr + proc.stdout).splitlines() if l.strip()]
        tail = lines[-1] if lines else ""
        raise StepError(f"{Path(cmd[0]).name} exit {proc.returncode}: {tail[:160]} "
                        f"(log: {log.relative_to(ROOT)})")
    return proc.stdout


def have(tool: str) -> bool:
    return shutil.which(tool) is not None


def stamp_ok(folder: Path, key: str) -> bool:
    return (folder / ".polyglot-stamp").exists() and (folder / ".polyglot-stamp").read_text() == key


def write_stamp(folder: Path, key: str) -> None:
    (folder / ".polyglot-stamp").write_text(key)


def digest(*paths: Path) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(p.read_bytes())
    return h.hexdigest()


# --------------------------------------------------------------------------- the forwarder
class Recorder:
    """Local forwarders to the mock: one per example (adds Prefer) and one for request checks."""

    def __init__(self, mock_url: str):
        parsed = urllib.parse.urlsplit(mock_url)
        self.mock_host, self.mock_port = parsed.hostname, parsed.port
        self.lock = threading.Lock()
        self.records: list[dict] = []
        self.servers: list[ThreadingHTTPServer] = []

    def start(self, channel: str, example: str | None) -> str:
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def handle_any(self):
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in ("host", "connection", "content-length",
                                                "accept-encoding")}
                sent_prefer = self.headers.get("prefer")
                if example and not sent_prefer:
                    headers["Prefer"] = f"example={example}"
                record = {"channel": channel, "method": self.command, "target": self.path,
                          "authorization": self.headers.get("authorization"),
                          "prefer": sent_prefer,
                          "user_agent": self.headers.get("user-agent")}
                try:
                    conn = http.client.HTTPConnection(recorder.mock_host, recorder.mock_port,
                                                      timeout=30)
                    conn.request(self.command, self.path, body=body, headers=headers)
                    resp = conn.getresponse()
                    status, data = resp.status, resp.read()
                    ctype = resp.getheader("content-type", "application/json")
                    conn.close()
                except Exception as e:  # the target cannot even be sent on
                    status, data, ctype = 400, json.dumps({"error": str(e)}).encode(), \
                        "application/json"
                record["status"] = status
                with recorder.lock:
                    recorder.records.append(record)
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = handle_any

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    def take(self) -> list[dict]:
        with self.lock:
            out, self.records = self.records, []
        return out

    def stop(self):
        for s in self.servers:
            s.shutdown()


# ------------------------------------------------------------------------------ comparisons
ABSENT = object()


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


def expected_request(cfg: dict, call: dict) -> dict:
    prefix = "name_" if call["by"] == "name" else "uuid_"
    return {
        "method": "GET",
        "segments": ["", "v1", "Account", cfg["auth_id"], "MultiPartyCall", prefix + call["mpc"],
                     "Participant", ""],
        "query": {"call_uuid": [call["call_uuid"]]} if call["call_uuid"] else {},
        "auth": f"{cfg['auth_id']}:{cfg['auth_token']}",
    }


DEFAULTS: dict[str, str] = {}  # query parameter -> its schema default, as text
NOTES: set[str] = set()  # remarks on the current row's requests that are not failures


def check_request(cfg: dict, call: dict, rec: dict | None) -> list[str]:
    """Where the recorded request differs from what the spec says for this call."""
    if rec is None:
        return ["no request reached the server"]
    want = expected_request(cfg, call)
    problems = []
    raw_path, _, raw_query = rec["target"].partition("?")
    if rec["method"] != want["method"]:
        problems.append(f"method {rec['method']} (spec: GET)")
    segments = [urllib.parse.unquote(s) for s in raw_path.split("/")]
    if segments != want["segments"]:
        spec_path = "/".join(urllib.parse.quote(s, safe="") for s in want["segments"])
        cut = len("/v1/Account/") + len(cfg["auth_id"])
        short = (lambda p: "…" + p[cut:] if p[:cut] == spec_path[:cut] else p)
        problems.append(f"path {short(raw_path)} (spec: {short(spec_path)})")
    query = urllib.parse.parse_qs(raw_query, keep_blank_values=True)
    # An optional parameter sent at its schema default means what leaving it out means.
    for name, default in DEFAULTS.items():
        if name not in want["query"] and query.get(name) == [default]:
            del query[name]
            NOTES.add(f"sends `{name}={default}` (the spec's default) when not asked to")
    if query != want["query"]:
        problems.append(f"query {raw_query or '(none)'} (spec: "
                        f"{urllib.parse.urlencode(want['query'], doseq=True) or '(none)'})")
    auth = rec.get("authorization") or ""
    try:
        decoded = base64.b64decode(auth.split(" ", 1)[1]).decode() \
            if auth.startswith("Basic ") else None
    except Exception:
        decoded = None
    if decoded != want["auth"]:
        problems.append("Authorization is not Basic auth_id:auth_token")
    if not problems and rec["status"] != 200:
        problems.append(f"mock answered {rec['status']}")
    return problems


# ------------------------------------------------------------------------------------ rows
class Row:
    def __init__(self, rid, language, client, generate=None, build=None, run=None):
        self.id, self.language, self.client = rid, language, client
        self.generate, self.build, self.run = generate, build, run
        self.cells: dict[str, tuple[str, str]] = {}
        self.details: list[str] = []
        self.seconds = 0.0


def gen_cli(row: str, generator: str, out: Path, *extra: str) -> tuple[str, str]:
    if out.exists():
        shutil.rmtree(out)
    sh(row, "generate", [str(VENV / "bin" / "openapi-generator-cli"), "generate",
                         "-i", str(SPEC), "-g", generator, "-o", str(out), *extra])
    files = sum(1 for p in out.rglob("*") if p.is_file())
    return "pass", f"openapi-generator {OPENAPI_GENERATOR_CLI} `{generator}`, {files} files"


def harness_json(row: str, cmd: list[str], cwd: Path, env: dict | None = None) -> dict:
    out = sh(row, "run", cmd + [str(CONFIG_PATH)], cwd=cwd, env=env, timeout=300,
             stdout_to=log_path(row, "run"))
    (LOGS / f"{row}-output.json").write_text(out)
    # The JSON is the last line (an SDK may log to stdout before it).
    lines = [l for l in out.splitlines() if l.strip()]
    try:
        return json.loads(lines[-1] if lines else "")
    except json.JSONDecodeError as e:
        raise StepError(f"harness printed no JSON ({e})") from e


def py_env() -> None:
    """The virtualenv: openapi-generator-cli, the Python SDK, the generated client's libraries."""
    req = HERE / "python" / "requirements.txt"
    key = digest(req) + sys.version
    if VENV.exists() and stamp_ok(VENV, key):
        return
    if VENV.exists():
        shutil.rmtree(VENV)
    sh("setup", "venv", [sys.executable, "-m", "venv", str(VENV)])
    sh("setup", "venv", [str(VENV / "bin" / "pip"), "install", "-q", "--disable-pip-version-check",
                         "-r", str(req)])
    write_stamp(VENV, key)


def node_env() -> None:
    src = HERE / "node"
    key = digest(src / "package.json", src / "package-lock.json")
    if NODE.exists() and stamp_ok(NODE, key):
        return
    NODE.mkdir(parents=True, exist_ok=True)
    for f in ("package.json", "package-lock.json"):
        shutil.copy(src / f, NODE / f)
    sh("setup", "npm", ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=NODE)
    write_stamp(NODE, key)


# -- Rust (the reference)
def rust_build(row):
    sh(row.id, "build", ["cargo", "build", "-q", "-p", "plivo-mpc-conformance", "--example",
                         "reference_parse"])
    return "pass", "cargo build --example reference_parse"


def rust_run(row):
    exe = ROOT / "target" / "debug" / "examples" / "reference_parse"
    return harness_json(row.id, [str(exe), "--spec", str(SPEC), "--base-url", CFG["requests_url"],
                                 "--config"], ROOT)


# -- Python generated
def python_gen_generate(row):
    return gen_cli(row.id, "python", GEN / "python",
                   "--additional-properties=packageName=plivo_mpc_gen")


def python_gen_build(row):
    sh(row.id, "build", [str(VENV / "bin" / "python"), "-c", "import plivo_mpc_gen"],
       env={"PYTHONPATH": str(GEN / "python")})
    return "pass", "imports (pydantic, urllib3 from the venv)"


def python_gen_run(row):
    return harness_json(row.id, [str(VENV / "bin" / "python"), str(HERE / "python-gen" /
                                                                   "harness.py")],
                        ROOT, env={"PYTHONPATH": str(GEN / "python")})


# -- TypeScript generated
def ts_generate(row):
    return gen_cli(row.id, "typescript-fetch", GEN / "typescript-fetch")


def ts_build(row):
    node_env()
    out = GEN / "typescript-fetch"
    shutil.copy(HERE / "typescript-gen" / "harness.ts", out / "harness.ts")
    sh(row.id, "build", [str(NODE / "node_modules" / ".bin" / "tsc"), "--target", "es2020",
                         "--module", "commonjs", "--lib", "es2020,dom", "--skipLibCheck",
                         "--strict", "--outDir", "out", "harness.ts"], cwd=out)
    return "pass", f"tsc {TYPESCRIPT} (strict)"


def ts_run(row):
    return harness_json(row.id, ["node", str(GEN / "typescript-fetch" / "out" / "harness.js")],
                        ROOT)


# -- Go generated
def go_generate(row):
    return gen_cli(row.id, "go", GEN / "go", "--git-user-id", "polyglot", "--git-repo-id",
                   "plivompc", "--additional-properties=packageName=plivompc")


def go_build(row):
    h = WORK / "go-gen-harness"
    if h.exists():
        shutil.rmtree(h)
    h.mkdir(parents=True)
    shutil.copy(HERE / "go-gen" / "main.go", h / "main.go")
    (h / "go.mod").write_text("module polyglot/gogen\n\ngo 1.23\n\n"
                              "require github.com/polyglot/plivompc v0.0.0\n\n"
                              "replace github.com/polyglot/plivompc => ../gen/go\n")
    sh(row.id, "build", ["go", "mod", "tidy"], cwd=h)
    sh(row.id, "build", ["go", "build", "-o", "harness", "."], cwd=h)
    return "pass", f"go build ({subprocess.run(['go', 'env', 'GOVERSION'], capture_output=True, text=True).stdout.strip()})"


def go_run(row):
    return harness_json(row.id, [str(WORK / "go-gen-harness" / "harness")], ROOT)


# -- Java generated
def java_generate(row):
    return gen_cli(row.id, "java", GEN / "java", "--library", "native",
                   "--additional-properties=groupId=polyglot,artifactId=plivo-mpc-gen,"
                   "invokerPackage=polyglot.mpc,apiPackage=polyglot.mpc.api,"
                   "modelPackage=polyglot.mpc.model,hideGenerationTimestamp=true")


def javac_build(row, pom: Path, sources: list[Path], classes: Path) -> Path:
    cp_file = classes.parent / "classpath.txt"
    sh(row.id, "build", ["mvn", "-B", "-q", "-f", str(pom), "dependency:build-classpath",
                         f"-Dmdep.outputFile={cp_file}", "-Dmdep.includeScope=runtime"])
    if classes.exists():
        shutil.rmtree(classes)
    classes.mkdir(parents=True)
    files = [str(p) for s in sources for p in (s.rglob("*.java") if s.is_dir() else [s])]
    sh(row.id, "build", ["javac", "-nowarn", "-encoding", "UTF-8", "-d", str(classes), "-cp",
                         cp_file.read_text().strip(), *files])
    return cp_file


def java_build(row):
    javac_build(row, GEN / "java" / "pom.xml",
                [GEN / "java" / "src" / "main" / "java", HERE / "java-gen" / "Harness.java"],
                WORK / "java-gen" / "classes")
    return "pass", "mvn (dependencies) + javac 17"


def java_run(row):
    cp = (WORK / "java-gen" / "classpath.txt").read_text().strip()
    return harness_json(row.id, ["java", "-cp", f"{WORK / 'java-gen' / 'classes'}:{cp}",
                                 "Harness"], ROOT)


# -- Ruby generated
def ruby_generate(row):
    return gen_cli(row.id, "ruby", GEN / "ruby",
                   "--additional-properties=gemName=plivo_mpc_gen,moduleName=PlivoMpcGen")


def ruby_build(row):
    if not have("ruby"):
        return "skip", "no ruby: apt-get install ruby ruby-typhoeus"
    try:
        sh(row.id, "build", ["ruby", "-e", "require 'typhoeus'"])
    except StepError:
        return "skip", "no typhoeus: apt-get install ruby-typhoeus"
    sh(row.id, "build", ["ruby", "-I", str(GEN / "ruby" / "lib"), "-e", "require 'plivo_mpc_gen'"])
    ver = subprocess.run(["ruby", "-e", "print RUBY_VERSION"], capture_output=True,
                         text=True).stdout
    return "pass", f"loads on Debian's ruby {ver} + ruby-typhoeus"


def ruby_run(row):
    return harness_json(row.id, ["ruby", "-I", str(GEN / "ruby" / "lib"),
                                 str(HERE / "ruby-gen" / "harness.rb")], ROOT)


# -- PHP generated
PHP_AUTOLOAD = Path("/usr/share/php/GuzzleHttp/autoload.php")


def php_generate(row):
    return gen_cli(row.id, "php", GEN / "php", "--additional-properties=invokerPackage=PlivoMpcGen")


def php_build(row):
    if not have("php"):
        return "skip", "no php: apt-get install php-cli php-curl php-mbstring php-guzzlehttp-guzzle"
    if not PHP_AUTOLOAD.exists():
        return "skip", "no guzzle: apt-get install php-guzzlehttp-guzzle"
    sh(row.id, "build", ["php", str(HERE / "php-gen" / "harness.php"), "--check",
                         str(GEN / "php")])
    ver = subprocess.run(["php", "-r", "echo PHP_VERSION;"], capture_output=True,
                         text=True).stdout
    return "pass", f"loads on Debian's php {ver} + php-guzzlehttp-guzzle"


def php_run(row):
    return harness_json(row.id, ["php", str(HERE / "php-gen" / "harness.php"),
                                 str(GEN / "php")], ROOT)


# -- C# generated
def csharp_generate(row):
    return gen_cli(row.id, "csharp", GEN / "csharp",
                   "--additional-properties=packageName=PlivoMpcGen")


def csharp_build(row):
    if have("dotnet"):
        sh(row.id, "build", ["dotnet", "build", str(GEN / "csharp")])
        return "pass", "dotnet build"
    return "skip", "no .NET SDK on this machine: generated only"


# -- Python SDK
def python_sdk_run(row):
    return harness_json(row.id, [str(VENV / "bin" / "python"),
                                 str(HERE / "python-sdk" / "harness.py")], ROOT)


def python_sdk_build(row):
    sh(row.id, "build", [str(VENV / "bin" / "python"), "-c", "import plivo"])
    return "pass", f"pip install plivo=={PLIVO_PYTHON}"


# -- Node SDK
def node_sdk_build(row):
    node_env()
    return "pass", f"npm ci (plivo {PLIVO_NODE})"


def node_sdk_run(row):
    return harness_json(row.id, ["node", str(HERE / "node-sdk" / "harness.js")], ROOT,
                        env={"NODE_PATH": str(NODE / "node_modules")})


# -- Go SDK
def go_sdk_build(row):
    h = WORK / "go-sdk-harness"
    h.mkdir(parents=True, exist_ok=True)
    probe = subprocess.run(["go", "list", "-m", "-json", f"{PLIVO_GO}@latest"], cwd=h,
                           capture_output=True, text=True)
    if probe.returncode != 0:
        why = (probe.stderr.strip().splitlines() or ["?"])
        reason = next((l.strip() for l in why if "403" in l or "not available" in l), why[-1])
        # No registry host in the matrix: keep the status and the proxy's words only.
        reason = re.sub(r"reading \S+: ", "", reason.strip())
        row.details.append(f"`go list -m {PLIVO_GO}@latest`: {reason}")
        return "skip", "the Go module proxy refuses plivo-go here (403 'not available')"
    raise StepError("plivo-go is served now: write conformance/polyglot/go-sdk/ (see run.py)")


# -- Java SDK
def java_sdk_build(row):
    javac_build(row, HERE / "java-sdk" / "pom.xml", [HERE / "java-sdk" / "Harness.java"],
                WORK / "java-sdk" / "classes")
    return "pass", f"mvn (plivo-java {PLIVO_JAVA}) + javac 17"


def java_sdk_run(row):
    cp = (WORK / "java-sdk" / "classpath.txt").read_text().strip()
    return harness_json(row.id, ["java", "-cp", f"{WORK / 'java-sdk' / 'classes'}:{cp}",
                                 "Harness"], ROOT)


def sdk_generate(row):
    return "skip", "hand-written SDK"


ROWS = [
    Row("rust", "Rust", "generated: progenitor, plivo-mpc (reference)",
        lambda r: ("skip", "committed; `cargo xtask generate --check`"), rust_build, rust_run),
    Row("python-gen", "Python", "generated: openapi-generator `python`", python_gen_generate,
        python_gen_build, python_gen_run),
    Row("typescript-gen", "TypeScript", "generated: openapi-generator `typescript-fetch`",
        ts_generate, ts_build, ts_run),
    Row("go-gen", "Go", "generated: openapi-generator `go`", go_generate, go_build, go_run),
    Row("java-gen", "Java", "generated: openapi-generator `java` (native)", java_generate,
        java_build, java_run),
    Row("ruby-gen", "Ruby", "generated: openapi-generator `ruby`", ruby_generate, ruby_build,
        ruby_run),
    Row("php-gen", "PHP", "generated: openapi-generator `php`", php_generate, php_build, php_run),
    Row("csharp-gen", "C#", "generated: openapi-generator `csharp`", csharp_generate,
        csharp_build, None),
    Row("python-sdk", "Python", f"official SDK: plivo {PLIVO_PYTHON} (PyPI)", sdk_generate,
        python_sdk_build, python_sdk_run),
    Row("node-sdk", "Node.js", f"official SDK: plivo {PLIVO_NODE} (npm)", sdk_generate,
        node_sdk_build, node_sdk_run),
    Row("go-sdk", "Go", f"official SDK: {PLIVO_GO}", sdk_generate, go_sdk_build, None),
    Row("java-sdk", "Java", f"official SDK: com.plivo:plivo-java {PLIVO_JAVA}", sdk_generate,
        java_sdk_build, java_sdk_run),
]


# ------------------------------------------------------------------------------- execution
def run_row(row: Row, examples: list[str], reference: dict | None, recorder: Recorder) -> dict | None:
    started = time.monotonic()
    output = None
    for step, fn in (("generate", row.generate), ("build", row.build)):
        try:
            row.cells[step] = fn(row) if fn else ("skip", "")
        except StepError as e:
            row.cells[step] = ("fail", str(e))
        if row.cells[step][0] != "pass" and step == "build":
            break
        if row.cells[step][0] == "fail":
            break
    can_run = row.run and row.cells.get("build", ("", ""))[0] == "pass" \
        and row.cells.get("generate", ("", ""))[0] != "fail"
    if can_run:
        recorder.take()
        try:
            output = row.run(row)
        except StepError as e:
            row.cells["run"] = ("fail", str(e))
        records = recorder.take()
    if output is not None:
        compare_row(row, output, examples, reference or output, records)
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
    row.seconds = time.monotonic() - started
    return output


def compare_row(row: Row, output: dict, examples: list[str], reference: dict,
                records: list[dict]) -> None:
    parses = output.get("parses", {})
    prefer_sent = {r["prefer"] is not None for r in records if r["channel"] != "requests"}
    for ex in examples:
        got = parses.get(ex)
        ref = reference["parses"].get(ex, {})
        if got is None or "$skipped" in got:
            row.cells[ex] = ("skip", (got or {}).get("$skipped", "not called"))
            continue
        problems, short = [], []
        for key in ("by_name", "by_uuid"):
            g, r = got.get(key, ABSENT), ref.get(key, ABSENT)
            if isinstance(g, dict) and "$error" in g:
                problems.append(f"{key}: error: {g['$error']}")
                short.append(f"{key} error")
                continue
            ds = diff(r, g)
            for path, a, b in ds:
                problems.append(f"{key} `{path}`: Rust {show(a)}, {row.id} {show(b)}")
            if ds:
                short.append(f"{len(ds)} diff(s), e.g. `{ds[0][0]}`: Rust {show(ds[0][1])},"
                             f" here {show(ds[0][2])}")
        if problems:
            same = len(short) == 2 and short[0] == short[1]
            note = f"{short[0]} (by name and by uuid)" if same else "; ".join(short[:2])
            row.cells[ex] = ("fail", note)
            row.details += [f"{ex}: {p}" for p in problems]
        else:
            row.cells[ex] = ("pass", "")
    # Requests: the request-check calls, in order, on the recorded forwarder.
    reqs = [r for r in records if r["channel"] == "requests"]
    calls = CFG["request_calls"]
    bad = []
    NOTES.clear()
    for i, call in enumerate(calls):
        rec = reqs[i] if i < len(reqs) else None
        for p in check_request(CFG, call, rec):
            bad.append(f"{call['id']}: {p}")
    if len(reqs) > len(calls):
        bad.append(f"{len(reqs) - len(calls)} more request(s) than calls (retries?)")
    outcome = output.get("calls", {})
    for call in calls:
        o = outcome.get(call["id"])
        if o and o != "ok":
            row.details.append(f"request call {call['id']}: client said {o}")
    if bad:
        row.cells["request check"] = ("fail", bad[0] if len(bad) == 1 else f"{bad[0]} (+{len(bad) - 1})")
        row.details += [f"request {b}" for b in bad]
    else:
        row.cells["request check"] = ("pass", f"{len(calls)} requests: path, query, Basic auth")
    row.details += sorted(NOTES)
    for r in reqs[:1]:
        row.details.append(f"sends User-Agent {r['user_agent']!r}")
    if prefer_sent == {True}:
        row.details.append("sends `Prefer: example=NAME` itself")
    elif prefer_sent:
        row.details.append("cannot send a Prefer header: the forwarder adds it")


# ------------------------------------------------------------------------------ the matrix
def cell_text(cell: tuple[str, str]) -> str:
    status, note = cell
    note = note.replace("|", "\\|").replace("\n", " ")
    return f"{status}: {note}" if note else status


def render(rows: list[Row], examples: list[str], total: float) -> str:
    cols = ["generate", "build"] + examples + ["request check"]
    spec_sha = hashlib.sha256(SPEC.read_bytes()).hexdigest()[:12]
    lines = [
        "# Cross-language conformance matrix",
        "",
        "Written by `cargo xtask polyglot` (`conformance/polyglot/run.py`); do not edit by hand.",
        f"Spec `openapi/plivo-mpc.yaml` (SHA-256 {spec_sha}…), openapi-generator-cli "
        f"{OPENAPI_GENERATOR_CLI}. Each example cell: the client listed the participants by "
        "name and by uuid from the mock serving that example, and its parse, printed as JSON "
        "with the API's field names, equals the Rust client's (`reference_parse`). Request "
        f"check: by name and by uuid, with and without `call_uuid`, and the name "
        f"`{ENCODED_NAME}` (one percent-encoded path segment in the spec), each request's "
        "method, path, query and Basic auth as the spec says. `.ci/polyglot` fails when a cell "
        "that passes here fails.",
        "",
        "| id | language | client | " + " | ".join(cols) + " | time |",
        "|---|---|---|" + "---|" * len(cols) + "---|",
    ]
    for r in rows:
        cells = [cell_text(r.cells.get(c, ("skip", ""))) for c in cols]
        lines.append(f"| {r.id} | {r.language} | {r.client} | " + " | ".join(cells) +
                     f" | {r.seconds:.0f} s |")
    lines += ["", f"Total {total:.0f} s (with setup).", "", "## Differences and notes", ""]
    for r in rows:
        if r.details:
            lines.append(f"### {r.id}")
            lines.append("")
            lines += [f"- {d}" for d in r.details]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def read_matrix(text: str) -> dict[tuple[str, str], str]:
    """(row id, column) -> pass|fail|skip, from a MATRIX.md."""
    out, header = {}, None
    for line in text.splitlines():
        if not line.startswith("| "):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if cells[0] == "id":
            header = cells
            continue
        if header and len(cells) == len(header):
            for col, cell in zip(header[3:-1], cells[3:-1]):
                out[(cells[0], col)] = cell.split(":", 1)[0].strip()
    return out


def regressions(old: str, new: str) -> list[str]:
    before, after = read_matrix(old), read_matrix(new)
    return [f"{rid} / {col}: pass -> {after.get((rid, col), 'missing')}"
            for (rid, col), status in sorted(before.items())
            if status == "pass" and after.get((rid, col)) != "pass"]


# ------------------------------------------------------------------------------------ main
def prefetch() -> int:
    """Everything the rows download, and nothing they check: the venv, the npm packages, the Go
    modules and Maven artifacts of the generated clients and of the Java SDK harness."""
    WORK.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    try:
        py_env()
        node_env()
        go_generate(Row("go-gen", "Go", "prefetch"))
        sh("go-gen", "prefetch", ["go", "mod", "download"], cwd=GEN / "go")
        java_generate(Row("java-gen", "Java", "prefetch"))
        for pom in (GEN / "java" / "pom.xml", HERE / "java-sdk" / "pom.xml"):
            sh("java", "prefetch", ["mvn", "-B", "-q", "-f", str(pom), "dependency:resolve"])
    except StepError as e:
        print(f"polyglot prefetch: {e} (the run itself will try again)")
        return 1
    print(f"polyglot prefetch: done in {time.monotonic() - started:.0f} s")
    return 0


def main() -> int:
    global SPEC, CFG, CONFIG_PATH
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mock-url", help="the mock (cargo xtask polyglot starts it)")
    ap.add_argument("--prefetch", action="store_true",
                    help="only install and download what the rows need (no mock; .ci/prefetch "
                         "runs this while the Rust build keeps the cores busy)")
    ap.add_argument("--spec", default=str(ROOT / "openapi" / "plivo-mpc.yaml"))
    ap.add_argument("--only", help="comma-separated row ids (rust always runs)")
    ap.add_argument("--no-write", action="store_true", help="print the matrix, do not write it")
    ap.add_argument("--fail-on-regression", action="store_true",
                    help="exit 1 when a cell that passes in the committed MATRIX.md fails now")
    args = ap.parse_args()
    SPEC = Path(args.spec).resolve()
    if args.prefetch:
        return prefetch()
    if not args.mock_url:
        ap.error("--mock-url is required (cargo xtask polyglot starts the mock and passes it)")
    started = time.monotonic()
    WORK.mkdir(parents=True, exist_ok=True)
    if LOGS.exists():
        shutil.rmtree(LOGS)
    old_matrix = MATRIX.read_text() if MATRIX.exists() else ""

    recorder = Recorder(args.mock_url)
    print(f"polyglot: mock at {args.mock_url}; scratch in {WORK.relative_to(ROOT)}", flush=True)
    t = time.monotonic()
    py_env()
    print(f"polyglot: venv ready ({time.monotonic() - t:.0f} s)", flush=True)

    # The spec's example values come from the reference program's view of the spec; the
    # example list comes from the reference's output.
    requests_url = recorder.start("requests", None)
    CFG = {"auth_id": "MANWVLYTK4ZWU1YTY4QA", "auth_token": AUTH_TOKEN, "mpc_name": "test_mpc_1",
           "mpc_uuid": "d5c8be43-87d0-4ba6-90a1-011bb6ab0a00",
           "call_uuid": "58e76e86-54b8-402e-9d83-a16e29b6582c", "examples": {},
           "requests_url": requests_url}
    spec = load_spec()
    CFG.update(spec_values(spec))
    CFG["request_calls"] = [
        {"id": "by_name", "by": "name", "mpc": CFG["mpc_name"], "call_uuid": None},
        {"id": "by_name_call_uuid", "by": "name", "mpc": CFG["mpc_name"],
         "call_uuid": CFG["call_uuid"]},
        {"id": "by_uuid", "by": "uuid", "mpc": CFG["mpc_uuid"], "call_uuid": None},
        {"id": "by_uuid_call_uuid", "by": "uuid", "mpc": CFG["mpc_uuid"],
         "call_uuid": CFG["call_uuid"]},
        {"id": "by_encoded_name", "by": "name", "mpc": ENCODED_NAME, "call_uuid": None},
    ]
    for name in spec_success_examples(spec):
        CFG["examples"][name] = recorder.start(name, name)
    CONFIG_PATH = WORK / "config.json"
    CONFIG_PATH.write_text(json.dumps(CFG, indent=2))
    examples = list(CFG["examples"])

    only = set(args.only.split(",")) if args.only else None
    rows = [r for r in ROWS if r.id == "rust" or only is None or r.id in only]
    reference = None
    for row in rows:
        print(f"polyglot: {row.id} ...", flush=True)
        out = run_row(row, examples, reference, recorder)
        if row.id == "rust":
            if out is None:
                print(f"polyglot: the Rust reference failed: {row.cells}", file=sys.stderr)
                return 1
            reference = out
            (WORK / "reference.json").write_text(json.dumps(out, indent=2, sort_keys=True))
        status = ", ".join(f"{k}={v[0]}" for k, v in row.cells.items() if k != "run")
        print(f"polyglot: {row.id} done in {row.seconds:.0f} s: {status}", flush=True)
    recorder.stop()

    text = render(rows, examples, time.monotonic() - started)
    print()
    print(text)
    if args.fail_on_regression and old_matrix:
        lost = [r for r in regressions(old_matrix, text)
                if only is None or r.split(" / ")[0] in only | {"rust"}]
        if lost:
            print("polyglot: cells that passed in the committed MATRIX.md fail now:",
                  file=sys.stderr)
            for r in lost:
                print(f"  {r}", file=sys.stderr)
            if not args.no_write:
                MATRIX.write_text(text)
            return 1
    if not args.no_write and only is None:
        MATRIX.write_text(text)
        print(f"polyglot: wrote {MATRIX.relative_to(ROOT)}")
    return 0


def load_spec() -> dict:
    """The spec as JSON, read with the venv's PyYAML."""
    out = subprocess.run([str(VENV / "bin" / "python"), "-c",
                          "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))",
                          str(SPEC)], capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def spec_values(spec: dict) -> dict:
    """The spec's example values for the path and query parameters."""
    out = {}
    for p in spec.get("components", {}).get("parameters", {}).values():
        default = p.get("schema", {}).get("default")
        if p.get("in") == "query" and default is not None:
            DEFAULTS[p["name"]] = json.dumps(default) if not isinstance(default, str) else default
        if p.get("name") in ("auth_id", "mpc_name", "mpc_uuid", "call_uuid") and "example" in p:
            out[p["name"]] = str(p["example"])
    return out


def spec_success_examples(spec: dict) -> list[str]:
    """Every 200 example name of every operation, in spec order."""
    names = []
    for item in spec["paths"].values():
        for op in item.values():
            if not isinstance(op, dict) or "responses" not in op:
                continue
            resp = op["responses"].get("200") or op["responses"].get(200) or {}
            while "$ref" in resp:
                resp = spec["components"]["responses"][resp["$ref"].rsplit("/", 1)[1]]
            for media in resp.get("content", {}).values():
                for name in media.get("examples", {}):
                    if name not in names:
                        names.append(name)
    return names


SPEC = ROOT / "openapi" / "plivo-mpc.yaml"
CFG: dict = {}
CONFIG_PATH = WORK / "config.json"

if __name__ == "__main__":
    sys.exit(main())
