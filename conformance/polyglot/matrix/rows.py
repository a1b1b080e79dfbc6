"""Every row of the matrix: a language and a client, and how it is generated, built and run.

A generated client is generated from the whole spec by openapi-generator into
`<target>/polyglot/gen/<generator>`, built with its language's own toolchain and run through
the committed harness in `conformance/polyglot/<row>/`. An official SDK is installed from its
registry at the pinned version (Python, Node, Java), or run from its source tree in
`../shared/sdk` (`$PLIVO_SDK_DIR`), which no registry here serves: Go (a replace directive, its
dependencies from the Go module proxy), Ruby and PHP (on Debian's packages). Every harness gets
one argument, the harness config (see orchestrate.py), and prints one JSON document on its last
line of stdout:

  {"client": "...", "parses": {example: {"by_name": page | {"$error"}, "by_uuid": ...}},
   "calls": {id: "ok" | "error: ..."}}

A generated row of EVERY_OPERATION is run a second time with the operations config (see
orchestrate.py), which has an "operations" key; its harness then calls every operation of the
spec by reflection and prints {"client": "...", "operations": {id | "id+query": "ok" |
"error: ..."}}.

Each step returns (status, note) with status pass or skip, or raises StepError (fail).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import workspace as ws
from .workspace import HERE, ROOT, StepError, digest, fresh_dir, have, sh, stamp_ok, write_stamp

# ---------------------------------------------------------------------------------------------
# Pins. Every tool and client comes from its own registry at an exact version.
OPENAPI_GENERATOR_CLI = "7.26.0"  # PyPI wheel; it ships the generator jar
PLIVO_PYTHON = "4.63.0"  # PyPI
PLIVO_NODE = "4.79.0"  # npm
PLIVO_JAVA = "5.46.3"  # Maven Central, com.plivo:plivo-java
PLIVO_GO = "github.com/plivo/plivo-go/v7"  # run from source (see sdk_dir); the proxy refuses it
TYPESCRIPT = "5.9.3"  # npm, compiles the typescript-fetch client
# ---------------------------------------------------------------------------------------------


class Skip(Exception):
    """A step cannot run here; the message says why (the cell is a skip, not a failure)."""


@dataclass
class Context:
    """What every step may need: the spec, the harness config and where it is written."""
    spec: Path
    config_path: Path
    cfg: dict = field(default_factory=dict)
    operations: list = field(default_factory=list)


Step = Callable[["Row", Context], tuple[str, str]]


@dataclass
class Row:
    id: str
    language: str
    client: str
    generate: Step | None = None
    build: Step | None = None
    run: Callable[["Row", Context], dict] | None = None
    cells: dict[str, tuple[str, str]] = field(default_factory=dict)
    details: list[str] = field(default_factory=list)
    seconds: float = 0.0
    state: dict = field(default_factory=dict)
    ops: bool = False  # runs every operation of the spec too (orchestrate.run_operations)


# ---------------------------------------------------------------------------- shared helpers
def spec_validation_errors(log: Path) -> list[str]:
    """The errors openapi-generator's spec validation listed in `log` (empty if it did not
    refuse the spec)."""
    text = log.read_text() if log.exists() else ""
    if "SpecValidationException" not in text:
        return []
    section = text.split("Errors:", 1)[-1].split("Warnings:", 1)[0]
    return [line.strip().lstrip("-").strip() for line in section.splitlines()
            if line.strip().startswith("-")]


def gen_cli(row: Row, ctx: Context, generator: str, out: Path, *extra: str) -> tuple[str, str]:
    """Generates from the whole spec. When openapi-generator's validation refuses the spec, the
    cell fails with the validator's own words, and the client is generated again with
    `--skip-validate-spec` (the spec unchanged) so that the row still builds and runs."""
    cmd = [str(ws.W.venv / "bin" / "openapi-generator-cli"), "generate", "-i", str(ctx.spec),
           "-g", generator, "-o", str(out), *extra]
    if out.exists():
        shutil.rmtree(out)
    label = f"openapi-generator {OPENAPI_GENERATOR_CLI} `{generator}`"
    try:
        sh(row.id, "generate", cmd)
    except StepError:
        errors = spec_validation_errors(ws.W.log_path(row.id, "generate"))
        if not errors:
            raise
        if out.exists():
            shutil.rmtree(out)
        sh(row.id, "generate", cmd + ["--skip-validate-spec"])
        row.state["generated"] = True
        files = sum(1 for p in out.rglob("*") if p.is_file())
        return "fail", (f"{label} refuses the spec: {'; '.join(errors)} (the rest of this row: "
                        f"generated with --skip-validate-spec, {files} files)")
    row.state["generated"] = True
    files = sum(1 for p in out.rglob("*") if p.is_file())
    return "pass", f"{label}, {files} files"


def harness_json(row: Row, ctx: Context, cmd: list[str], cwd: Path = ROOT,
                 env: dict | None = None) -> dict:
    out = sh(row.id, "run", cmd + [str(ctx.config_path)], cwd=cwd, env=env, timeout=300,
             quiet_stdout=True)
    (ws.W.logs / f"{row.id}-output-{ctx.config_path.stem}.json").write_text(out)
    # The JSON is the last line (an SDK may log to stdout before it).
    lines = [line for line in out.splitlines() if line.strip()]
    try:
        return json.loads(lines[-1] if lines else "")
    except json.JSONDecodeError as e:
        raise StepError(f"harness printed no JSON ({e})") from e


def py_env() -> None:
    """The virtualenv: openapi-generator-cli, the Python SDK, the generated client's libraries."""
    venv = ws.W.venv
    req = HERE / "python" / "requirements.txt"
    key = digest(req) + sys.version
    if venv.exists() and stamp_ok(venv, key):
        return
    if venv.exists():
        shutil.rmtree(venv)
    sh("setup", "venv", [sys.executable, "-m", "venv", str(venv)])
    sh("setup", "venv", [str(venv / "bin" / "pip"), "install", "-q",
                         "--disable-pip-version-check", "-r", str(req)])
    write_stamp(venv, key)


def node_env() -> None:
    node = ws.W.node
    src = HERE / "node"
    key = digest(src / "package.json", src / "package-lock.json")
    if node.exists() and stamp_ok(node, key):
        return
    node.mkdir(parents=True, exist_ok=True)
    for f in ("package.json", "package-lock.json"):
        shutil.copy(src / f, node / f)
    sh("setup", "npm", ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=node)
    write_stamp(node, key)


def version_of(cmd: list[str]) -> str:
    return subprocess.run(cmd, capture_output=True, text=True).stdout.strip()


# ------------------------------------------------------------------------ Rust (the reference)
def rust_build(row: Row, ctx: Context):
    out = sh(row.id, "build", [ws.cargo(), "build", "-q", "-p", "plivo-mpc-conformance",
                               "--example", "reference_parse",
                               "--message-format=json-render-diagnostics"], quiet_stdout=True)
    for line in out.splitlines():
        try:
            msg = json.loads(line)
        except json.JSONDecodeError:
            continue
        if msg.get("reason") == "compiler-artifact" and \
                msg.get("target", {}).get("name") == "reference_parse" and msg.get("executable"):
            row.state["exe"] = msg["executable"]
    if "exe" not in row.state:
        raise StepError("cargo built reference_parse but named no executable")
    return "pass", "cargo build --example reference_parse"


def rust_run(row: Row, ctx: Context):
    # The operations config has its own requests_url (and no listing config: cfg is empty).
    base = ["--base-url", ctx.cfg["requests_url"]] if ctx.cfg.get("requests_url") else []
    return harness_json(row, ctx, [row.state["exe"], "--spec", str(ctx.spec), *base, "--config"])


# ---------------------------------------------------------------------------- Python generated
def python_gen_generate(row, ctx):
    return gen_cli(row, ctx, "python", ws.W.gen / "python",
                   "--additional-properties=packageName=plivo_mpc_gen")


def python_gen_build(row, ctx):
    sh(row.id, "build", [str(ws.W.venv / "bin" / "python"), "-c", "import plivo_mpc_gen"],
       env={"PYTHONPATH": str(ws.W.gen / "python")})
    return "pass", "imports (pydantic, urllib3 from the venv)"


def python_gen_run(row, ctx):
    return harness_json(row, ctx, [str(ws.W.venv / "bin" / "python"),
                                   str(HERE / "python-gen" / "harness.py")],
                        env={"PYTHONPATH": str(ws.W.gen / "python")})


# ------------------------------------------------------------------------ TypeScript generated
def ts_generate(row, ctx):
    return gen_cli(row, ctx, "typescript-fetch", ws.W.gen / "typescript-fetch")


def ts_build(row, ctx):
    node_env()
    out = ws.W.gen / "typescript-fetch"
    shutil.copy(HERE / "typescript-gen" / "harness.ts", out / "harness.ts")
    sh(row.id, "build", [str(ws.W.node / "node_modules" / ".bin" / "tsc"), "--target", "es2020",
                         "--module", "commonjs", "--lib", "es2020,dom", "--skipLibCheck",
                         "--strict", "--outDir", "out", "harness.ts"], cwd=out)
    return "pass", f"tsc {TYPESCRIPT} (strict)"


def ts_run(row, ctx):
    return harness_json(row, ctx, ["node", str(ws.W.gen / "typescript-fetch" / "out" /
                                               "harness.js")])


# -------------------------------------------------------------------------------- Go generated
def go_generate(row, ctx):
    return gen_cli(row, ctx, "go", ws.W.gen / "go", "--git-user-id", "polyglot", "--git-repo-id",
                   "plivompc", "--additional-properties=packageName=plivompc")


def go_build(row, ctx):
    h = fresh_dir(ws.W.work / "go-gen-harness")
    shutil.copy(HERE / "go-gen" / "main.go", h / "main.go")
    shutil.copy(HERE / "go-common" / "config.go", h / "config.go")
    (h / "go.mod").write_text("module polyglot/gogen\n\ngo 1.23\n\n"
                              "require github.com/polyglot/plivompc v0.0.0\n\n"
                              "replace github.com/polyglot/plivompc => ../gen/go\n")
    sh(row.id, "build", ["go", "mod", "tidy"], cwd=h)
    sh(row.id, "build", ["go", "build", "-o", "harness", "."], cwd=h)
    return "pass", f"go build ({version_of(['go', 'env', 'GOVERSION'])})"


def go_run(row, ctx):
    return harness_json(row, ctx, [str(ws.W.work / "go-gen-harness" / "harness")])


# ------------------------------------------------------------------------------ Java generated
def java_generate(row, ctx):
    return gen_cli(row, ctx, "java", ws.W.gen / "java", "--library", "native",
                   "--additional-properties=groupId=polyglot,artifactId=plivo-mpc-gen,"
                   "invokerPackage=polyglot.mpc,apiPackage=polyglot.mpc.api,"
                   "modelPackage=polyglot.mpc.model,hideGenerationTimestamp=true")


def javac_build(row: Row, pom: Path, sources: list[Path], classes: Path) -> Path:
    cp_file = classes.parent / "classpath.txt"
    classes.parent.mkdir(parents=True, exist_ok=True)
    sh(row.id, "build", ["mvn", "-B", "-q", "-f", str(pom), "dependency:build-classpath",
                         f"-Dmdep.outputFile={cp_file}", "-Dmdep.includeScope=runtime"])
    fresh_dir(classes)
    files = [str(p) for s in sources for p in (sorted(s.rglob("*.java")) if s.is_dir() else [s])]
    sh(row.id, "build", ["javac", "-nowarn", "-encoding", "UTF-8", "-d", str(classes), "-cp",
                         cp_file.read_text().strip(), *files])
    return cp_file


def java_build(row, ctx):
    javac_build(row, ws.W.gen / "java" / "pom.xml",
                [ws.W.gen / "java" / "src" / "main" / "java", HERE / "java-gen" / "Harness.java"],
                ws.W.work / "java-gen" / "classes")
    return "pass", "mvn (dependencies) + javac 17"


def java_run(row, ctx):
    cp = (ws.W.work / "java-gen" / "classpath.txt").read_text().strip()
    return harness_json(row, ctx, ["java", "-cp", f"{ws.W.work / 'java-gen' / 'classes'}:{cp}",
                                   "Harness"])


# ------------------------------------------------------------------------------ Ruby generated
def ruby_generate(row, ctx):
    return gen_cli(row, ctx, "ruby", ws.W.gen / "ruby",
                   "--additional-properties=gemName=plivo_mpc_gen,moduleName=PlivoMpcGen")


def ruby_build(row, ctx):
    if not have("ruby"):
        return "skip", "no ruby: apt-get install ruby ruby-typhoeus"
    try:
        sh(row.id, "build", ["ruby", "-e", "require 'typhoeus'"])
    except StepError:
        return "skip", "no typhoeus: apt-get install ruby-typhoeus"
    sh(row.id, "build", ["ruby", "-I", str(ws.W.gen / "ruby" / "lib"), "-e",
                         "require 'plivo_mpc_gen'"])
    return "pass", (f"loads on Debian's ruby {version_of(['ruby', '-e', 'print RUBY_VERSION'])}"
                    " + ruby-typhoeus")


def ruby_run(row, ctx):
    return harness_json(row, ctx, ["ruby", "-I", str(ws.W.gen / "ruby" / "lib"),
                                   str(HERE / "ruby-gen" / "harness.rb")])


# ------------------------------------------------------------------------------- PHP generated
PHP_AUTOLOAD = Path("/usr/share/php/GuzzleHttp/autoload.php")


def php_generate(row, ctx):
    return gen_cli(row, ctx, "php", ws.W.gen / "php",
                   "--additional-properties=invokerPackage=PlivoMpcGen")


def php_build(row, ctx):
    if not have("php"):
        return "skip", ("no php: apt-get install php-cli php-curl php-mbstring "
                        "php-guzzlehttp-guzzle")
    if not PHP_AUTOLOAD.exists():
        return "skip", "no guzzle: apt-get install php-guzzlehttp-guzzle"
    sh(row.id, "build", ["php", str(HERE / "php-gen" / "harness.php"), "--check",
                         str(ws.W.gen / "php")])
    return "pass", (f"loads on Debian's php {version_of(['php', '-r', 'echo PHP_VERSION;'])}"
                    " + php-guzzlehttp-guzzle")


def php_run(row, ctx):
    return harness_json(row, ctx, ["php", str(HERE / "php-gen" / "harness.php"),
                                   str(ws.W.gen / "php")])


# -------------------------------------------------------------------------------- C# generated
def csharp_generate(row, ctx):
    return gen_cli(row, ctx, "csharp", ws.W.gen / "csharp",
                   "--additional-properties=packageName=PlivoMpcGen")


def csharp_build(row, ctx):
    if have("dotnet"):
        sh(row.id, "build", ["dotnet", "build", str(ws.W.gen / "csharp")])
        return "pass", "dotnet build"
    return "skip", "no .NET SDK on this machine: generated only"


# ------------------------------------------------------------------------------ official SDKs
def sdk_generate(row, ctx):
    return "skip", "hand-written SDK"


def python_sdk_build(row, ctx):
    sh(row.id, "build", [str(ws.W.venv / "bin" / "python"), "-c", "import plivo"])
    return "pass", f"pip install plivo=={PLIVO_PYTHON}"


def python_sdk_run(row, ctx):
    return harness_json(row, ctx, [str(ws.W.venv / "bin" / "python"),
                                   str(HERE / "python-sdk" / "harness.py")])


def node_sdk_build(row, ctx):
    node_env()
    return "pass", f"npm ci (plivo {PLIVO_NODE})"


def node_sdk_run(row, ctx):
    return harness_json(row, ctx, ["node", str(HERE / "node-sdk" / "harness.js")],
                        env={"NODE_PATH": str(ws.W.node / "node_modules")})


NO_SOURCE = "no source of"  # how a build cell starts when the SDK's source tree is absent


def sdk_dir() -> Path:
    """Where Plivo's SDK repositories are (`$PLIVO_SDK_DIR`, else `<repo>/../shared/sdk`): the
    Go, Ruby and PHP SDKs run from their source, which no registry here serves."""
    env = os.environ.get("PLIVO_SDK_DIR")
    return Path(env).resolve() if env else (ROOT.parent / "shared" / "sdk").resolve()


def sdk_source(row: Row, repo: str, version_file: str, version_pattern: str) -> Path:
    """The SDK's source tree; its version (read from `version_file`) goes into the row's client
    label. Raises Skip when the tree is absent."""
    src = sdk_dir() / repo
    if not (src / version_file).is_file():
        raise Skip(f"{NO_SOURCE} {repo} at {src} (set PLIVO_SDK_DIR to the folder of Plivo's "
                   "SDK repositories)")
    found = re.search(version_pattern, (src / version_file).read_text())
    row.client = f"official SDK: {repo} {found.group(1) if found else '?'} (source)"
    return src


def go_sdk_build(row, ctx):
    src = sdk_source(row, "plivo-go", "baseclient.go", r'sdkVersion = "([^"]+)"')
    h = fresh_dir(ws.W.work / "go-sdk-harness")
    shutil.copy(HERE / "go-sdk" / "main.go", h / "main.go")
    shutil.copy(HERE / "go-common" / "config.go", h / "config.go")
    (h / "go.mod").write_text(f"module polyglot/gosdk\n\ngo 1.23\n\nrequire {PLIVO_GO} v7.0.0\n\n"
                              f"replace {PLIVO_GO} => {src}\n")
    sh(row.id, "build", ["go", "mod", "tidy"], cwd=h)
    sh(row.id, "build", ["go", "build", "-o", "harness", "."], cwd=h)
    go = version_of(["go", "env", "GOVERSION"])
    return "pass", (f"go build against ../shared/sdk/plivo-go (replace directive; its "
                    f"dependencies from the Go module proxy; {go})")


def go_sdk_run(row, ctx):
    return harness_json(row, ctx, [str(ws.W.work / "go-sdk-harness" / "harness")])


# Debian's packages for the Ruby SDK, and what each provides (the SDK's gemspec wants faraday
# ~> 2.7, jwt, htmlentities; Debian has faraday 1.1, whose `:json` response middleware is in
# faraday_middleware).
RUBY_SDK_GEMS = {"faraday": "ruby-faraday", "faraday_middleware": "ruby-faraday-middleware",
                 "jwt": "ruby-jwt", "htmlentities": "ruby-htmlentities"}


def ruby_sdk_build(row, ctx):
    src = sdk_source(row, "plivo-ruby", "lib/plivo/version.rb", r'VERSION = "([^"]+)"')
    if not have("ruby"):
        return "skip", f"no ruby: apt-get install ruby {' '.join(RUBY_SDK_GEMS.values())}"
    missing = [pkg for gem, pkg in RUBY_SDK_GEMS.items()
               if subprocess.run(["ruby", "-e", f"require '{gem}'"],
                                 capture_output=True).returncode != 0]
    if missing:
        return "skip", f"missing Debian package(s): apt-get install {' '.join(missing)}"
    faraday = sh(row.id, "build", ["ruby", "-I", str(src / "lib"), "-e",
                                   "require 'faraday'; require 'faraday_middleware'; "
                                   "require 'plivo'; print Faraday::VERSION"]).strip()
    return "pass", (f"loads from ../shared/sdk/plivo-ruby on Debian's ruby "
                    f"{version_of(['ruby', '-e', 'print RUBY_VERSION'])}, faraday {faraday} + "
                    "faraday_middleware (the gemspec asks faraday ~> 2.7)")


def ruby_sdk_run(row, ctx):
    return harness_json(row, ctx, ["ruby", "-I", str(sdk_dir() / "plivo-ruby" / "lib"),
                                   str(HERE / "ruby-sdk" / "harness.rb")])


def php_sdk_build(row, ctx):
    src = sdk_source(row, "plivo-php", "src/Plivo/Version.php", r"MAJOR = (\d+)")
    if not have("php"):
        return "skip", "no php: apt-get install php-cli php-curl php-mbstring php-guzzlehttp-guzzle"
    if not PHP_AUTOLOAD.exists():
        return "skip", "no guzzle: apt-get install php-guzzlehttp-guzzle"
    version = sh(row.id, "build", ["php", str(HERE / "php-sdk" / "harness.php"), "--check",
                                   str(src)]).strip()
    row.client = f"official SDK: plivo-php {version} (source)"
    return "pass", (f"loads from ../shared/sdk/plivo-php on Debian's php "
                    f"{version_of(['php', '-r', 'echo PHP_VERSION;'])} + php-guzzlehttp-guzzle")


def php_sdk_run(row, ctx):
    return harness_json(row, ctx, ["php", str(HERE / "php-sdk" / "harness.php"),
                                   str(sdk_dir() / "plivo-php")])


def java_sdk_build(row, ctx):
    javac_build(row, HERE / "java-sdk" / "pom.xml", [HERE / "java-sdk" / "Harness.java"],
                ws.W.work / "java-sdk" / "classes")
    return "pass", f"mvn (plivo-java {PLIVO_JAVA}) + javac 17"


def java_sdk_run(row, ctx):
    cp = (ws.W.work / "java-sdk" / "classpath.txt").read_text().strip()
    return harness_json(row, ctx, ["java", "-cp", f"{ws.W.work / 'java-sdk' / 'classes'}:{cp}",
                                   "Harness"])


# The rows that call every operation of the spec too: the generated clients that run, and the
# SDKs whose harness has a table of their methods (each operation the SDK implements).
EVERY_OPERATION = ("rust", "python-gen", "typescript-gen", "go-gen", "java-gen", "ruby-gen",
                   "php-gen", "python-sdk", "node-sdk", "go-sdk", "ruby-sdk", "php-sdk", "java-sdk")


def all_rows() -> list[Row]:
    """Every row, the Rust reference first."""
    rows = [
        Row("rust", "Rust", "generated: progenitor, plivo-mpc (reference)",
            lambda r, c: ("skip", "committed; `cargo xtask generate --check`"), rust_build,
            rust_run),
        Row("python-gen", "Python", "generated: openapi-generator `python`", python_gen_generate,
            python_gen_build, python_gen_run),
        Row("typescript-gen", "TypeScript", "generated: openapi-generator `typescript-fetch`",
            ts_generate, ts_build, ts_run),
        Row("go-gen", "Go", "generated: openapi-generator `go`", go_generate, go_build, go_run),
        Row("java-gen", "Java", "generated: openapi-generator `java` (native)", java_generate,
            java_build, java_run),
        Row("ruby-gen", "Ruby", "generated: openapi-generator `ruby`", ruby_generate, ruby_build,
            ruby_run),
        Row("php-gen", "PHP", "generated: openapi-generator `php`", php_generate, php_build,
            php_run),
        Row("csharp-gen", "C#", "generated: openapi-generator `csharp`", csharp_generate,
            csharp_build, None),
        Row("python-sdk", "Python", f"official SDK: plivo {PLIVO_PYTHON} (PyPI)", sdk_generate,
            python_sdk_build, python_sdk_run),
        Row("node-sdk", "Node.js", f"official SDK: plivo {PLIVO_NODE} (npm)", sdk_generate,
            node_sdk_build, node_sdk_run),
        Row("go-sdk", "Go", "official SDK: plivo-go (source)", sdk_generate, go_sdk_build,
            go_sdk_run),
        Row("ruby-sdk", "Ruby", "official SDK: plivo-ruby (source)", sdk_generate,
            ruby_sdk_build, ruby_sdk_run),
        Row("php-sdk", "PHP", "official SDK: plivo-php (source)", sdk_generate, php_sdk_build,
            php_sdk_run),
        Row("java-sdk", "Java", f"official SDK: com.plivo:plivo-java {PLIVO_JAVA}",
            sdk_generate, java_sdk_build, java_sdk_run),
    ]
    for r in rows:
        r.ops = r.id in EVERY_OPERATION
    return rows


def prefetch(spec: Path) -> None:
    """Everything the rows download, and nothing they check: the venv, the npm packages, the Go
    modules and Maven artifacts of the generated clients and of the Java SDK harness, and the Go
    SDK's modules. Raises StepError."""
    ws.W.work.mkdir(parents=True, exist_ok=True)
    ctx = Context(spec=spec, config_path=ws.W.config)
    py_env()
    node_env()
    go_generate(Row("go-gen", "Go", "prefetch"), ctx)
    sh("go-gen", "prefetch", ["go", "mod", "download"], cwd=ws.W.gen / "go")
    java_generate(Row("java-gen", "Java", "prefetch"), ctx)
    for pom in (ws.W.gen / "java" / "pom.xml", HERE / "java-sdk" / "pom.xml"):
        sh("java", "prefetch", ["mvn", "-B", "-q", "-f", str(pom), "dependency:resolve"])
    if (sdk_dir() / "plivo-go" / "go.mod").is_file():
        # The Go SDK's own dependencies, into the module cache (its tree is only read).
        sh("go-sdk", "prefetch", ["go", "mod", "download"], cwd=sdk_dir() / "plivo-go")
