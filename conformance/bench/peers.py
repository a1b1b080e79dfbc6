#!/usr/bin/env python3
"""The benchmark's peers in other languages, made ready for `cargo xtask bench`.

    python3 peers.py --work DIR [--install] [--quick]

Prints one JSON object on stdout (progress goes to stderr):

    {"clients": [{"name": ..., "argv": [...], "env": {...}}],
     "versions": [[tool, version], ...], "skipped": ["what: why", ...],
     "codegen": {"openapi_rust_s": seconds}}

Each client's argv holds the placeholders {url}, {concurrency}, {seconds}, {warmup}, {work}
(`list` or `add`) and {body} (a file holding the write call's request example); run with them
filled in, it prints one JSON line of the same shape as bench-load's. xtask runs every client
against its one bench-server, in the same rounds as the Rust clients. A client with a
`count_argv` (placeholders {work}, {target}, {n}, {body}) also has a count harness, run under
callgrind like bench-count (see xtask/src/callgrind.rs), and one with a `page_argv`
(placeholders {url}, {total}) a paging loop, run like bench-page.

- openapi-generator's `rust` client (generated into DIR/openapi-rust and built, with the load
  loop in peers/openapi-rust/main.rs, in DIR/peers-target; the executable is the one cargo names)
  and its `python` client (DIR/openapi-python);
- Plivo's Python SDK (peers/python_load.py) and Node SDK (peers/node_load.js).

The Python venv and node_modules are the polyglot runner's (<target dir>/polyglot/, its own
location): `--install` calls its installers, otherwise only what is there is used.
`--quick` generates nothing (openapi-generator starts a JVM). Standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = ROOT / "conformance" / "bench"
SPEC = ROOT / "openapi" / "plivo-mpc.yaml"
# The polyglot runner's package (its installers and its scratch folders under the cargo target
# dir, CARGO_TARGET_DIR honoured), imported as its own runner imports it.
sys.dont_write_bytecode = True
sys.path.insert(0, str(ROOT / "conformance" / "polyglot"))
from matrix import rows as polyglot  # noqa: E402
from matrix import workspace as polyglot_ws  # noqa: E402

POLYGLOT = polyglot_ws.configure(polyglot_ws.find_target_dir())
VENV_PY = POLYGLOT.venv / "bin" / "python"
OPENAPI_CLI = POLYGLOT.venv / "bin" / "openapi-generator-cli"
NODE_MODULES = POLYGLOT.node / "node_modules"
LOAD_ARGS = ["{url}", "{concurrency}", "{seconds}", "{warmup}", "{work}", "{body}"]

SKIPPED: list[str] = []


def say(msg: str) -> None:
    print(f"bench peers: {msg}", file=sys.stderr, flush=True)


def skip(what: str, why: str) -> None:
    SKIPPED.append(f"{what}: {why}")
    say(f"skipped {what}: {why}")


def run(cmd, cwd=ROOT, env=None, timeout=900) -> subprocess.CompletedProcess:
    p = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True,
                       timeout=timeout)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} exited {p.returncode}: "
                           f"{(p.stderr or p.stdout)[-1500:]}")
    return p


def version_of(cmd) -> str:
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        return (p.stdout or p.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "not installed"


def environments(install: bool) -> tuple[bool, bool]:
    """(Python venv ready, Node SDK ready), installing them with the polyglot runner's own
    installers when asked."""
    if install:
        try:
            polyglot.py_env()
        except Exception as e:  # noqa: BLE001
            skip("Python peers and openapi-generator", f"venv install failed: {str(e)[:200]}")
        if shutil.which("node") and shutil.which("npm"):
            try:
                polyglot.node_env()
            except Exception as e:  # noqa: BLE001
                skip("Node SDK", f"npm ci failed: {str(e)[:200]}")
        else:
            skip("Node SDK", "node/npm not installed")
    py_ok, node_ok = VENV_PY.exists(), (NODE_MODULES / "plivo").exists()
    if not install:
        why = ("not installed, and this run installs nothing (`cargo xtask bench` or "
               "`cargo xtask polyglot` installs it into target/polyglot/)")
        if not py_ok:
            skip("Python peers", why)
        if not node_ok:
            skip("Node SDK", why)
    return py_ok, node_ok


def openapi_generate(generator: str, out: Path, *extra: str) -> float:
    if out.exists():
        shutil.rmtree(out)
    started = time.monotonic()
    cmd = [str(c) for c in (OPENAPI_CLI, "generate", "-i", SPEC, "-g", generator, "-o", out,
                            *extra)]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        # The spec validator's findings ("Errors:" then one "-finding" a line), else the end.
        text = p.stdout + p.stderr
        found = text.split("Errors:", 1)[1].split("Warnings:", 1)[0] if "Errors:" in text else ""
        errors = "; ".join(l.strip(" \t-") for l in found.splitlines() if l.strip())
        errors = errors.replace(f"{ROOT}/", "")
        raise RuntimeError(f"openapi-generator-cli generate -g {generator} exited {p.returncode}: "
                           f"{errors or text[-300:]}")
    return time.monotonic() - started


def openapi_rust(work: Path) -> tuple[dict, float]:
    """Generates openapi-generator's Rust client (twice, timed: the codegen figure) and builds
    the load harness against it; returns the client and the faster generation time."""
    gen = work / "openapi-rust"
    props = "--additional-properties=packageName=plivo_mpc_openapi,supportAsync=true"
    seconds = min(openapi_generate("rust", gen, props) for _ in range(2))
    manifest = gen / "Cargo.toml"
    manifest.write_text(manifest.read_text() + "\n[workspace]\n")
    harness = work / "openapi-rust-load"
    (harness / "src").mkdir(parents=True, exist_ok=True)
    shutil.copy(HERE / "peers" / "openapi-rust" / "main.rs", harness / "src" / "main.rs")
    (harness / "Cargo.toml").write_text(
        '[package]\nname = "openapi-rust-load"\nversion = "0.0.0"\nedition = "2021"\n'
        'publish = false\n\n[dependencies]\n'
        'plivo_mpc_openapi = { path = "../openapi-rust", default-features = false }\n'
        'tokio = { version = "1", features = ["rt-multi-thread", "macros", "time"] }\n'
        'serde_json = "1"\n\n'
        '[workspace]\n\n[profile.release]\ndebug = 1\n')
    if not (harness / "Cargo.lock").exists():
        # Start from the workspace's lock so that shared crates resolve to the same versions.
        shutil.copy(ROOT / "Cargo.lock", harness / "Cargo.lock")
    env = dict(os.environ, CARGO_TARGET_DIR=str(work / "peers-target"))
    started = time.monotonic()
    p = run(["cargo", "build", "--release", "--message-format=json-render-diagnostics",
             "--manifest-path", harness / "Cargo.toml"], env=env)
    exe = next((m["executable"] for m in map(json.loads, filter(None, p.stdout.splitlines()))
                if m.get("reason") == "compiler-artifact" and m.get("executable")
                and m["target"]["name"] == "openapi-rust-load"), None)
    if not exe:
        raise RuntimeError("cargo built openapi-rust-load but named no executable")
    say(f"openapi-generator rust harness built in {time.monotonic() - started:.0f} s")
    return {"name": "openapi-rust", "argv": [exe, *LOAD_ARGS], "env": {},
            "count_argv": [exe, "count", "{work}", "{target}", "{n}", "{body}"],
            "page_argv": [exe, "page", "{url}", "{total}"]}, seconds


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--work", required=True, type=Path, help="scratch folder (in the target dir)")
    ap.add_argument("--install", action="store_true", help="install the venv and node_modules")
    ap.add_argument("--quick", action="store_true", help="generate nothing")
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    py_ok, node_ok = environments(args.install)
    clients, codegen = [], {}
    generator = OPENAPI_CLI.exists() and not args.quick
    why_not = ("quick mode (openapi-generator starts a JVM; the full run generates it)"
               if args.quick else "openapi-generator-cli not installed")
    if generator:
        try:
            client, codegen["openapi_rust_s"] = openapi_rust(args.work)
            clients.append(client)
        except Exception as e:  # noqa: BLE001
            skip("openapi-generator rust client and its generation time",
                 f"generate/build failed: {str(e)[:300]}")
        gen = args.work / "openapi-python"
        try:
            openapi_generate("python", gen, "--additional-properties=packageName=plivo_mpc_gen")
            clients.append({"name": "python-gen",
                            "argv": [str(VENV_PY), str(HERE / "peers" / "python_load.py"), "gen",
                                     *LOAD_ARGS],
                            "env": {"PYTHONPATH": str(gen)}})
        except Exception as e:  # noqa: BLE001
            skip("openapi-generator python client", f"generate failed: {str(e)[:300]}")
    else:
        skip("openapi-generator rust and python clients, and their generation time", why_not)
    if py_ok:
        clients.append({"name": "python-sdk",
                        "argv": [str(VENV_PY), str(HERE / "peers" / "python_load.py"), "sdk",
                                 *LOAD_ARGS],
                        "env": {}})
    if node_ok:
        clients.append({"name": "node-sdk",
                        "argv": ["node", str(HERE / "peers" / "node_load.js"), *LOAD_ARGS],
                        "env": {"NODE_PATH": str(NODE_MODULES)}})
    versions = [["python3", version_of([sys.executable, "--version"])],
                ["node", version_of(["node", "--version"])],
                ["java", version_of(["java", "-version"])]]
    if py_ok:
        pip = subprocess.run([VENV_PY, "-m", "pip", "list", "--format=json"], capture_output=True,
                             text=True)
        pkgs = {p["name"].lower(): p["version"] for p in json.loads(pip.stdout or "[]")}
        versions.append(["PyPI", ", ".join(f"{n} {pkgs.get(n, '?')}" for n in (
            "openapi-generator-cli", "plivo", "requests", "urllib3", "pydantic"))])
    if node_ok:
        def npm(name: str) -> str:
            return json.loads((NODE_MODULES / name / "package.json").read_text())["version"]
        versions.append(["npm", f"plivo {npm('plivo')}, axios {npm('axios')}"])
    json.dump({"clients": clients, "versions": versions, "skipped": SKIPPED, "codegen": codegen},
              sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
