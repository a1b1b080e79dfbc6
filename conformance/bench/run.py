#!/usr/bin/env python3
"""Benchmarks for plivo-mpc, side by side in one run (`cargo xtask bench [--quick]`).

Sections (each runs what is installed and says what it skipped and why):
  decode   criterion: generated types vs the hand-written floor, Value, IgnoredAny
           (generated/benches/decode.rs, bytes read from the spec at run time)
  e2e      requests/s and p50/p99 of one list call with keep-alive at concurrency 1 and 16,
           every client against ONE fixed-body loopback server (bench-server), with the
           server's own ceiling (wrk, and bench-load's raw-socket client)
  paging   1,000 / 10,000 / 100,000 participants through ListParticipants::stream(), 20 a page,
           time and peak RSS of the streaming process
  codegen  cargo xtask generate vs openapi-generator's rust generator; cold build of plivo-mpc

Writes conformance/bench/BENCHMARKS.md (quick mode: target/bench/BENCHMARKS-quick.md, debug
builds and sub-second runs: it only checks that the harness still works, its figures mean
nothing). Standard library only. Peers come from the polyglot runner's environment
(target/polyglot/venv, target/polyglot/node: installed by calling its py_env()/node_env());
generated peer clients go to target/bench/ and are never committed.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = ROOT / "conformance" / "bench"
WORK = ROOT / "target" / "bench"
SPEC = ROOT / "openapi" / "plivo-mpc.yaml"
RESULTS = HERE / "BENCHMARKS.md"
QUICK_RESULTS = WORK / "BENCHMARKS-quick.md"
POLYGLOT = ROOT / "target" / "polyglot"
VENV_PY = POLYGLOT / "venv" / "bin" / "python"
OPENAPI_CLI = POLYGLOT / "venv" / "bin" / "openapi-generator-cli"
NODE_MODULES = POLYGLOT / "node" / "node_modules"

# Targets (issue 6).
MAX_FLOOR_RATIO = 1.2
SDK_TARGETS = {("python-sdk", 1): 6.0, ("node-sdk", 1): 5.0,
               ("python-sdk", 16): 20.0, ("node-sdk", 16): 20.0}

LABELS = {
    "raw": "raw socket, no decode (server ceiling)",
    "wrk": "wrk (server ceiling)",
    "floor": "**floor**: bare reqwest + serde_json into a hand-written struct",
    "generated": "**plivo-mpc** (`MpcClient`, retries off)",
    "generated-fix": "plivo-mpc with `proposed-client-fix.patch`",
    "openapi-rust": "openapi-generator `rust` (reqwest, async)",
    "python-gen": "openapi-generator `python` (urllib3, pydantic)",
    "python-sdk": "Plivo Python SDK",
    "node-sdk": "Plivo Node SDK",
}

SKIPPED: list[str] = []
FIX_ACTIVE = False
LOG: list[str] = []


def say(msg: str) -> None:
    print(f"bench: {msg}", flush=True)


def skip(what: str, why: str) -> None:
    SKIPPED.append(f"{what}: {why}")
    say(f"skipped {what}: {why}")


def run(cmd, cwd=ROOT, env=None, timeout=900, check=True) -> subprocess.CompletedProcess:
    full_env = dict(os.environ, **(env or {}))
    p = subprocess.run([str(c) for c in cmd], cwd=cwd, env=full_env, capture_output=True,
                       text=True, timeout=timeout)
    if check and p.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} exited {p.returncode}:\n"
                           f"{(p.stderr or p.stdout)[-2000:]}")
    return p


def timed(cmd, **kw) -> float:
    t = time.monotonic()
    run(cmd, **kw)
    return time.monotonic() - t


def version_of(cmd) -> str:
    try:
        p = run(cmd, check=False, timeout=60)
        return (p.stdout or p.stderr).strip().splitlines()[0]
    except Exception:  # noqa: BLE001
        return "not installed"


def lock_version(name: str) -> str:
    text = (ROOT / "Cargo.lock").read_text()
    m = re.search(rf'name = "{re.escape(name)}"\nversion = "([^"]+)"', text)
    return m.group(1) if m else "?"


# --------------------------------------------------------------------------- the server
class Server:
    def __init__(self, exe: Path, *extra: str):
        self.proc = subprocess.Popen([str(exe), "--spec", str(SPEC), *extra],
                                     stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline().strip()
        if not line.startswith("listening on "):
            self.stop()
            raise RuntimeError(f"bench-server did not start: {line!r}")
        self.url = line.removeprefix("listening on ")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def json_line(p: subprocess.CompletedProcess) -> dict:
    for line in reversed(p.stdout.strip().splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise RuntimeError(f"no JSON line in output: {p.stdout[-500:]} {p.stderr[-500:]}")


# --------------------------------------------------------------------------- peers
def polyglot_envs(install: bool) -> tuple[bool, bool]:
    """Installs (or reuses) the polyglot runner's venv and node_modules by calling its own
    installers; returns (python ready, node ready). Without `install` (quick mode) it only
    uses what is already there."""
    if not install:
        py_ok, node_ok = VENV_PY.exists(), (NODE_MODULES / "plivo").exists()
        why = ("not installed, and quick mode installs nothing (`cargo xtask bench` or "
               "`cargo xtask polyglot` installs it into target/polyglot/)")
        if not py_ok:
            skip("Python peers", why)
        if not node_ok:
            skip("Node SDK", why)
        return py_ok, node_ok
    spec = importlib.util.spec_from_file_location("polyglot_run",
                                                  ROOT / "conformance" / "polyglot" / "run.py")
    py_ok = node_ok = False
    try:
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
    except Exception as e:  # noqa: BLE001
        skip("Python and Node peers", f"cannot load the polyglot installers ({e})")
        return False, False
    try:
        mod.py_env()
        py_ok = VENV_PY.exists()
    except Exception as e:  # noqa: BLE001
        skip("Python peers and openapi-generator", f"venv install failed: {str(e)[:200]}")
    if shutil.which("node") and shutil.which("npm"):
        try:
            mod.node_env()
            node_ok = (NODE_MODULES / "plivo").exists()
        except Exception as e:  # noqa: BLE001
            skip("Node SDK", f"npm ci failed: {str(e)[:200]}")
    else:
        skip("Node SDK", "node/npm not installed")
    return py_ok, node_ok


def openapi_generate(generator: str, out: Path, *extra: str) -> float:
    if out.exists():
        shutil.rmtree(out)
    return timed([OPENAPI_CLI, "generate", "-i", SPEC, "-g", generator, "-o", out, *extra],
                 timeout=300)


def build_openapi_rust(profile: str) -> tuple[Path | None, str]:
    """Generates openapi-generator's Rust client and builds the load harness against it."""
    gen = WORK / "openapi-rust"
    openapi_generate("rust", gen, "--additional-properties=packageName=plivo_mpc_openapi,"
                     "supportAsync=true")
    manifest = gen / "Cargo.toml"
    manifest.write_text(manifest.read_text() + "\n[workspace]\n")
    harness = WORK / "openapi-rust-load"
    (harness / "src").mkdir(parents=True, exist_ok=True)
    shutil.copy(HERE / "peers" / "openapi-rust" / "main.rs", harness / "src" / "main.rs")
    (harness / "Cargo.toml").write_text(
        '[package]\nname = "openapi-rust-load"\nversion = "0.0.0"\nedition = "2021"\n'
        'publish = false\n\n[dependencies]\n'
        'plivo_mpc_openapi = { path = "../openapi-rust", default-features = false }\n'
        'tokio = { version = "1", features = ["rt-multi-thread", "macros", "time"] }\n\n'
        '[workspace]\n\n[profile.release]\ndebug = 1\n')
    if not (harness / "Cargo.lock").exists():
        # Start from the workspace's lock so that shared crates resolve to the same versions.
        shutil.copy(ROOT / "Cargo.lock", harness / "Cargo.lock")
    target = WORK / "peers-target"
    cold = not target.exists()
    args = ["cargo", "build", "-q", "--manifest-path", harness / "Cargo.toml"]
    if profile == "release":
        args.append("--release")
    secs = timed(args, env={"CARGO_TARGET_DIR": str(target)}, timeout=900)
    note = f"built in {secs:.0f} s" + (" (cold)" if cold else " (incremental)")
    return target / profile / "openapi-rust-load", note


# --------------------------------------------------------------------------- the proposed fix
FIX_PATCH = HERE / "proposed-client-fix.patch"
FIX_TREE = WORK / "fix-tree"
FIX_BINS = WORK / "fix-bins"


def prepare_fix(quick: bool) -> bool:
    """Copies the working tree to target/bench/fix-tree, applies proposed-client-fix.patch there
    and builds its bench-load into target/bench/fix-bins (sharing target/ for dependencies; the
    main harness is built after it). Returns whether the fixed client can be measured."""
    if not FIX_PATCH.exists():
        return False
    if quick:
        skip("proposed client fix", "quick mode")
        return False
    if FIX_TREE.exists():
        shutil.rmtree(FIX_TREE)
    FIX_TREE.mkdir(parents=True)
    files = run(["git", "ls-files", "-z"]).stdout.split("\0")
    for f in filter(None, files):
        src = ROOT / f
        if src.is_file():
            dst = FIX_TREE / f
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
    # The copy sits inside this repository's work tree; without a ceiling, git apply would
    # take paths relative to the repository's top and silently patch nothing.
    alone = {"GIT_CEILING_DIRECTORIES": str(WORK)}
    if run(["git", "apply", "--check", FIX_PATCH], cwd=FIX_TREE, env=alone,
           check=False).returncode != 0:
        reverse = run(["git", "apply", "-R", "--check", FIX_PATCH], cwd=FIX_TREE, env=alone,
                      check=False)
        skip("proposed client fix", "already applied to generated/" if reverse.returncode == 0
             else "the patch no longer applies to generated/")
        return False
    run(["git", "apply", FIX_PATCH], cwd=FIX_TREE, env=alone)
    if "parse_fixed_width" not in (FIX_TREE / "generated/src/timestamp.rs").read_text():
        raise RuntimeError("the patch did not change generated/src/timestamp.rs")
    env = {"CARGO_TARGET_DIR": str(ROOT / "target")}
    run(["cargo", "build", "-q", "--release", "-p", "plivo-mpc-bench", "--bins"], cwd=FIX_TREE,
        env=env)
    FIX_BINS.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / "target" / "release" / "bench-load", FIX_BINS / "bench-load")
    say("proposed client fix: built (target/bench/fix-bins)")
    return True


DECODE_ROUNDS = 2


def criterion_rounds(filters: list[str], cwd: Path = ROOT, env: dict | None = None) -> dict:
    """Runs the decode benchmark DECODE_ROUNDS times and keeps each row's lowest median (a
    row measured while another build ran on the machine would otherwise skew its ratio)."""
    crit = ROOT / "target" / "criterion"
    best: dict[str, dict[str, dict]] = {}
    for _ in range(DECODE_ROUNDS):
        for d in crit.glob("decode_*"):
            shutil.rmtree(d)
        run(["cargo", "bench", "-q", "-p", "plivo-mpc", "--bench", "decode", "--",
             "--warm-up-time", "0.5", "--measurement-time", "2", "--noplot", *filters],
            cwd=cwd, env=env, timeout=900)
        for page, rows in read_criterion(crit).items():
            for name, row in rows.items():
                row["rounds_ns"] = best.get(page, {}).get(name, {}).get("rounds_ns", []) + [
                    row["median_ns"]]
                kept = best.setdefault(page, {}).get(name)
                if kept is None or row["median_ns"] < kept["median_ns"]:
                    best[page][name] = row
                else:
                    kept["rounds_ns"] = row["rounds_ns"]
    return best


def decode_fix() -> dict:
    """The decode benchmark's `generated` and `floor` rows with the patch applied."""
    return criterion_rounds(["/(generated|floor)$"], cwd=FIX_TREE,
                            env={"CARGO_TARGET_DIR": str(ROOT / "target")})


def read_criterion(crit: Path) -> dict:
    rows: dict[str, dict[str, dict]] = {}
    for est in sorted(crit.glob("decode_*/*/new/estimates.json")):
        page = est.parts[-4].removeprefix("decode_")
        data = json.loads(est.read_text())
        rows.setdefault(page, {})[est.parts[-3]] = {
            "median_ns": data["median"]["point_estimate"],
            "lo_ns": data["median"]["confidence_interval"]["lower_bound"],
            "hi_ns": data["median"]["confidence_interval"]["upper_bound"],
        }
    return rows


# --------------------------------------------------------------------------- sections
def section_decode(quick: bool, fixed: dict | None = None) -> dict:
    if quick:
        # The bench target in the test profile: criterion runs every benchmark once.
        t = timed(["cargo", "test", "-q", "-p", "plivo-mpc", "--bench", "decode"], timeout=900)
        say(f"decode: every row ran once in test mode ({t:.1f} s incl. build)")
        return {"quick": True}
    started = time.monotonic()
    rows = criterion_rounds([])
    t = time.monotonic() - started
    for page, fix_rows in (fixed or {}).items():
        if "generated" in fix_rows and "floor" in fix_rows:
            # Its ratio is taken against the floor measured in the same invocation.
            entry = dict(fix_rows["generated"], floor_ns=fix_rows["floor"]["median_ns"])
            rows.setdefault(page, {})["generated_fix"] = entry
    say(f"decode: {sum(len(r) for r in rows.values())} rows in {t:.0f} s")
    return {"quick": False, "pages": rows, "seconds": t}


def e2e_clients(bins: Path, quick: bool, py_ok: bool, node_ok: bool, profile: str):
    """(name, argv builder) for every client that can run."""
    clients = []

    def rust(kind):
        return lambda url, c, s, w: [bins / "bench-load", "--client", kind, "--url", url,
                                     "--concurrency", c, "--seconds", s, "--warmup", w]
    clients.append(("floor", rust("floor"), None))
    clients.append(("generated", rust("generated"), None))
    if (FIX_BINS / "bench-load").exists() and not quick and FIX_ACTIVE:
        clients.append(("generated-fix", lambda url, c, s, w: [
            FIX_BINS / "bench-load", "--client", "generated", "--url", url, "--concurrency", c,
            "--seconds", s, "--warmup", w], None))
    if quick:
        skip("openapi-generator rust client (e2e)",
             "quick mode (its build takes a minute; the full run builds it)")
    elif not OPENAPI_CLI.exists():
        skip("openapi-generator rust client (e2e)", "openapi-generator-cli not installed")
    else:
        try:
            exe, note = build_openapi_rust(profile)
            say(f"openapi-generator rust harness {note}")
            clients.append(("openapi-rust", lambda url, c, s, w: [exe, url, c, s, w], None))
        except Exception as e:  # noqa: BLE001
            skip("openapi-generator rust client (e2e)", f"generate/build failed: {str(e)[:300]}")
    if quick:
        skip("openapi-generator python client (e2e)",
             "quick mode (generating it starts a JVM; the full run generates it)")
    elif py_ok and OPENAPI_CLI.exists():
        gen = WORK / "openapi-python"
        try:
            openapi_generate("python", gen, "--additional-properties=packageName=plivo_mpc_gen")
            clients.append(("python-gen", lambda url, c, s, w: [
                VENV_PY, HERE / "peers" / "python_load.py", "gen", url, c, s, w],
                {"PYTHONPATH": str(gen)}))
        except Exception as e:  # noqa: BLE001
            skip("openapi-generator python client (e2e)", f"generate failed: {str(e)[:300]}")
    elif not py_ok:
        skip("openapi-generator python client (e2e)", "no Python venv")
    if py_ok:
        clients.append(("python-sdk", lambda url, c, s, w: [
            VENV_PY, HERE / "peers" / "python_load.py", "sdk", url, c, s, w], None))
    else:
        skip("Plivo Python SDK (e2e)", "no Python venv")
    if node_ok:
        clients.append(("node-sdk", lambda url, c, s, w: [
            "node", HERE / "peers" / "node_load.js", url, c, s, w],
            {"NODE_PATH": str(NODE_MODULES)}))
    return clients


def section_e2e(bins: Path, quick: bool, py_ok: bool, node_ok: bool, profile: str) -> dict:
    seconds, warmup, rounds = ("0.3", "0.1", 1) if quick else ("2", "0.3", 2)
    clients = e2e_clients(bins, quick, py_ok, node_ok, profile)
    results: dict[tuple[str, int], dict] = {}

    def keep(key, r):
        r["rounds"] = results.get(key, {}).get("rounds", []) + [r["rps"]]
        if key not in results or r["rps"] > results[key]["rps"]:
            results[key] = r
        else:
            results[key]["rounds"] = r["rounds"]

    with Server(bins / "bench-server") as server:
        say(f"e2e: bench-server at {server.url}")
        for rnd in range(rounds):
            for conc in (1, 16):
                # The ceiling first: the raw-socket client and wrk.
                r = json_line(run([bins / "bench-load", "--client", "raw", "--url", server.url,
                                   "--concurrency", conc, "--seconds", seconds,
                                   "--warmup", warmup]))
                keep(("raw", conc), r)
                if shutil.which("wrk"):
                    p = run(["wrk", "-t", "1" if conc == 1 else "2", "-c", conc, "-d",
                             f"{max(1, round(float(seconds)))}s", "--latency",
                             server.url + "/v1/Account/MANWVLYTK4ZWU1YTY4QA/MultiPartyCall/"
                             "name_test_mpc_1/Participant/"], timeout=60)
                    keep(("wrk", conc), parse_wrk(p.stdout, conc))
                elif rnd == 0 and conc == 1:
                    skip("wrk ceiling", "wrk not installed (Debian package `wrk`); the raw-socket"
                         " client still measures the ceiling")
                for name, argv, env in clients:
                    try:
                        r = json_line(run(argv(server.url, str(conc), seconds, warmup), env=env,
                                          timeout=120))
                    except Exception as e:  # noqa: BLE001
                        skip(f"{name} at concurrency {conc}", f"run failed: {str(e)[:300]}")
                        continue
                    if r.get("errors"):
                        say(f"{name} c={conc}: {r['errors']} errors")
                    keep((name, conc), r)
                    say(f"e2e round {rnd + 1}/{rounds} c={conc} {name}: {r['rps']:.0f} req/s "
                        f"p50 {r['p50_us']} us p99 {r['p99_us']} us")
    return {"results": results, "seconds": seconds, "rounds": rounds}


def parse_wrk(out: str, conc: int) -> dict:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def us(label):
        m = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not m:
            return 0
        v, unit = float(m.group(1)), m.group(2)
        return int(v * {"us": 1, "ms": 1e3, "s": 1e6}[unit])
    return {"client": "wrk", "concurrency": conc, "rps": rps, "p50_us": us("50"),
            "p99_us": us("99"), "errors": 0}


def section_paging(bins: Path, quick: bool) -> dict:
    totals = [1000] if quick else [1000, 10000, 100000]
    time_v = shutil.which("time") and Path("/usr/bin/time").exists()
    rows = []
    for total in totals:
        with Server(bins / "bench-server", "--paging", str(total)) as server:
            cmd = [bins / "bench-page", "--url", server.url, "--expect", str(total)]
            if time_v:
                cmd = ["/usr/bin/time", "-v", *cmd]
            p = run(cmd, timeout=600)
            r = json_line(p)
            m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
            r["time_v_max_rss_kib"] = int(m.group(1)) if m else None
            rows.append(r)
            say(f"paging {total}: {r['seconds']:.2f} s, peak RSS {r['peak_rss_kib']} KiB")
    if not time_v:
        skip("/usr/bin/time -v", "not installed; peak RSS is the process's own VmHWM")
    return {"rows": rows}


def section_codegen(quick: bool, py_ok: bool) -> dict:
    out: dict = {}
    run(["cargo", "build", "-q", "-p", "xtask"], timeout=900)
    times = [timed(["cargo", "xtask", "generate"]) for _ in range(1 if quick else 3)]
    out["xtask_generate_s"] = min(times)
    exe = ROOT / "target" / "debug" / "xtask"
    times = [timed([exe, "generate"]) for _ in range(1 if quick else 3)]
    out["xtask_binary_s"] = min(times)
    if run(["git", "status", "--porcelain", "--", "generated/src/generated.rs"]).stdout.strip():
        say("note: generated/src/generated.rs differs from the commit after generate")
    if quick:
        skip("openapi-generator rust generation time", "quick mode (it starts a JVM)")
    elif py_ok and OPENAPI_CLI.exists():
        times = [openapi_generate("rust", WORK / "codegen-openapi-rust")
                 for _ in range(1 if quick else 2)]
        out["openapi_rust_s"] = min(times)
    else:
        skip("openapi-generator rust generation time", "openapi-generator-cli not installed")
    if quick:
        skip("cold build of plivo-mpc", "quick mode (it takes minutes)")
    else:
        cold = WORK / "cold-build"
        if cold.exists():
            shutil.rmtree(cold)
        out["cold_build_s"] = timed(["cargo", "build", "-q", "-p", "plivo-mpc"],
                                    env={"CARGO_TARGET_DIR": str(cold)}, timeout=900)
        shutil.rmtree(cold)
    say("codegen: " + ", ".join(f"{k} {v:.2f}" for k, v in out.items()))
    return out


# --------------------------------------------------------------------------- the report
def fmt_rps(x: float) -> str:
    return f"{x:,.0f}"


def met(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


def machine() -> dict:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem = f"{kib / 1024 / 1024:.0f} GiB"
    except (OSError, AttributeError):
        pass
    return {"cores": os.cpu_count(), "cpu": cpu, "mem": mem,
            "os": f"{platform.system()} {platform.release()}",
            "load": version_of(["uptime"])}


def versions(py_ok: bool, node_ok: bool) -> list[tuple[str, str]]:
    v = [("rustc", version_of(["rustc", "--version"])),
         ("plivo-mpc deps", f"progenitor-client {lock_version('progenitor-client')}, reqwest "
                            f"{lock_version('reqwest')}, hyper {lock_version('hyper')}, serde_json "
                            f"{lock_version('serde_json')}, tokio {lock_version('tokio')}, "
                            f"criterion {lock_version('criterion')}"),
         ("python3", version_of([sys.executable, "--version"])),
         ("node", version_of(["node", "--version"])),
         ("java", version_of(["java", "-version"])),
         ("wrk", version_of(["wrk", "-v"]) if shutil.which("wrk") else "not installed")]
    if py_ok:
        pip = run([VENV_PY, "-m", "pip", "list", "--format=json"], check=False)
        pkgs = {p["name"].lower(): p["version"] for p in json.loads(pip.stdout or "[]")}
        v.append(("PyPI", ", ".join(f"{n} {pkgs.get(n, '?')}" for n in
                                    ("openapi-generator-cli", "plivo", "requests", "urllib3",
                                     "pydantic"))))
    if node_ok:
        pj = json.loads((NODE_MODULES / "plivo" / "package.json").read_text())
        ax = json.loads((NODE_MODULES / "axios" / "package.json").read_text())
        v.append(("npm", f"plivo {pj['version']}, axios {ax['version']}"))
    return v


def render(args, started_load: str, t_total: float, mach: dict, vers, decode, e2e, paging,
           codegen) -> str:
    L = []
    quick = args.quick
    L.append("# Benchmarks" + (" (QUICK MODE: harness check only, figures meaningless)"
                                if quick else ""))
    L.append("")
    L.append("Written by `cargo xtask bench" + (" --quick" if quick else "") + "` "
             "(`conformance/bench/run.py`); do not edit by hand. Every figure below comes from "
             "one run of that command, all clients measured side by side against the same "
             "server. Absolute numbers depend on the machine and its load; read the ratios.")
    L.append("")
    L.append("## Machine and versions")
    L.append("")
    L.append(f"- machine: {mach['cores']} cores, {mach['cpu']}, {mach['mem']}, {mach['os']}")
    L.append(f"- load at start: `{started_load}`")
    L.append(f"- load at end: `{mach['load']}`")
    L.append(f"- command: `cargo xtask bench{' --quick' if quick else ''}`, "
             f"{t_total:.0f} s in all")
    for name, v in vers:
        L.append(f"- {name}: {v}")
    L.append("")
    targets = []

    if decode and not decode.get("quick"):
        L.append("## Decode (criterion, median per page)")
        L.append("")
        L.append("Bytes: the spec's `documented` example (3 participants) and a full page of 20 "
                 "built from it, read from `openapi/plivo-mpc.yaml` at run time "
                 "(`generated/benches/decode.rs`). The floor is a hand-written serde struct "
                 "with the same fields in plain types (`conformance/bench/src/floor.rs`). "
                 "`diag_*` rows are the floor with one of the generated field types swapped "
                 "in: the crate's `Timestamp` for `join_time`/`exit_time`, or the generated "
                 "pattern-checked `member_id`/`billed_amount` newtypes.")
        L.append("")
        L.append("The fixed client's rows come from a second criterion run in the patched copy "
                 "of the tree, with its own floor row; their ratio is to that floor.")
        L.append("")
        L.append(f"Each row: the lowest of {DECODE_ROUNDS} criterion medians (0.5 s warm-up, 2 s "
                 "measurement each; every round's median in the last column).")
        L.append("")
        L.append("| page | decoder | median | ratio to floor | rounds |")
        L.append("|---|---|---:|---:|---|")
        order = ["floor", "generated", "generated_fix", "value", "ignored_any", "diag_timestamp",
                 "diag_patterns"]
        for page, rows in decode["pages"].items():
            floor = rows.get("floor", {}).get("median_ns")
            for name in order + sorted(set(rows) - set(order)):
                if name not in rows:
                    continue
                ns = rows[name]["median_ns"]
                if rows[name].get("floor_ns"):
                    floor_here = rows[name]["floor_ns"]
                    ratio = f"{ns / floor_here:.2f}x (floor {floor_here / 1000:.2f} us that run)"
                else:
                    floor_here = floor
                    ratio = f"{ns / floor:.2f}x" if floor else "?"
                label = {"generated": "**plivo-mpc generated types**",
                         "generated_fix": "generated types with `proposed-client-fix.patch`",
                         "floor": "**floor**"}.get(name, f"`{name}`")
                rounds = ", ".join(f"{x / 1000:.2f}" for x in rows[name].get("rounds_ns", []))
                L.append(f"| {page} | {label} | {ns / 1000:.2f} us | {ratio} | {rounds} |")
                if name in ("generated", "generated_fix") and floor_here:
                    note = " (with the proposed fix)" if name == "generated_fix" else ""
                    targets.append((f"decode {page}: generated at most {MAX_FLOOR_RATIO}x the "
                                    f"floor{note}", f"{ns / floor_here:.2f}x",
                                    ns / floor_here <= MAX_FLOOR_RATIO))
        L.append("")
    elif decode:
        L.append("## Decode")
        L.append("")
        L.append("Quick mode: every row ran once (`cargo test -p plivo-mpc --bench decode`).")
        L.append("")

    if e2e:
        res = e2e["results"]
        L.append("## End to end on loopback (one list call, keep-alive)")
        L.append("")
        L.append(f"One `bench-server` (raw tokio, 1 worker thread, fixed body: the `documented` "
                 f"example, compact JSON) for every client. Each figure: {e2e['seconds']} s "
                 f"after a warm-up, best of {e2e['rounds']} round(s) (all rounds' req/s in the "
                 "last column); the rounds interleave the clients, so drifting load hits all "
                 "of them alike. Rust load tasks run on 1 tokio worker at concurrency 1 and 2 "
                 "at 16; Python peers use one client per thread, Node one client and 16 async "
                 "loops. Ratios: req/s as a multiple of the floor's, and p50 latency over the "
                 "floor's.")
        L.append("")
        for conc in (1, 16):
            floor = res.get(("floor", conc))
            L.append(f"### Concurrency {conc}")
            L.append("")
            L.append("| client | req/s | p50 | p99 | req/s vs floor | p50 vs floor | "
                     "errors | rounds (req/s) |")
            L.append("|---|---:|---:|---:|---:|---:|---:|---|")
            for name in LABELS:
                r = res.get((name, conc))
                if not r:
                    continue
                rr = f"{r['rps'] / floor['rps']:.2f}x" if floor else "?"
                pr = f"{r['p50_us'] / floor['p50_us']:.2f}x" if floor and floor["p50_us"] else "?"
                rounds = ", ".join(fmt_rps(x) for x in r.get("rounds", []))
                L.append(f"| {LABELS[name]} | {fmt_rps(r['rps'])} | {r['p50_us']} us | "
                         f"{r['p99_us']} us | {rr} | {pr} | {r.get('errors', 0)} | {rounds} |")
            L.append("")
        L.append("### Targets against the peers (req/s of plivo-mpc over the peer's; for the "
                 "fixed client's row, below 1 means the fix is faster)")
        L.append("")
        L.append("| peer | concurrency 1 | concurrency 16 |")
        L.append("|---|---:|---:|")
        for name in ("floor", "generated-fix", "openapi-rust", "python-gen", "python-sdk",
                     "node-sdk"):
            cells = []
            for conc in (1, 16):
                g, p = res.get(("generated", conc)), res.get((name, conc))
                if not g or not p:
                    cells.append("not run")
                    continue
                ratio = g["rps"] / p["rps"]
                want = SDK_TARGETS.get((name, conc))
                if want:
                    cells.append(f"{ratio:.1f}x (target {want:.0f}x: {met(ratio >= want)})")
                    targets.append((f"{name} at concurrency {conc}: plivo-mpc at least "
                                    f"{want:.0f}x its req/s", f"{ratio:.1f}x", ratio >= want))
                else:
                    cells.append(f"{ratio:.2f}x")
            L.append(f"| {LABELS[name]} | {cells[0]} | {cells[1]} |")
        L.append("")
        for conc in (1, 16):
            for name, note in (("generated", ""), ("generated-fix", " (with the proposed fix)")):
                g, f = res.get((name, conc)), res.get(("floor", conc))
                if g and f:
                    ratio = f["rps"] / g["rps"]
                    targets.append((f"per request at concurrency {conc}: generated at most "
                                    f"{MAX_FLOOR_RATIO}x the floor's time{note}",
                                    f"{ratio:.2f}x", ratio <= MAX_FLOOR_RATIO))
            for peer in ("python-sdk", "node-sdk"):
                g, p = res.get(("generated-fix", conc)), res.get((peer, conc))
                want = SDK_TARGETS.get((peer, conc))
                if g and p and want:
                    ratio = g["rps"] / p["rps"]
                    targets.append((f"{peer} at concurrency {conc}: at least {want:.0f}x its "
                                    "req/s (with the proposed fix)", f"{ratio:.1f}x",
                                    ratio >= want))
        L.append("Server ceiling: " + "; ".join(
            f"concurrency {c}: raw socket {fmt_rps(res[('raw', c)]['rps'])} req/s"
            + (f", wrk {fmt_rps(res[('wrk', c)]['rps'])} req/s" if ("wrk", c) in res else "")
            + (f" (the floor reaches {res[('floor', c)]['rps'] / res[('raw', c)]['rps']:.0%} "
               "of the raw ceiling)" if ("floor", c) in res else "")
            for c in (1, 16) if ("raw", c) in res) + ".")
        L.append("")

    if paging:
        L.append("## Paging (`ListParticipants::stream()`, 20 a page)")
        L.append("")
        L.append("`bench-page` streams every participant from `bench-server --paging TOTAL` "
                 "(pages built from the documented participants, each its own member id) with "
                 "the generated client, counting them; peak RSS is the streaming process's "
                 "(`/usr/bin/time -v` maximum resident set size, and the process's own VmHWM).")
        L.append("")
        L.append("| participants | pages | time | participants/s | peak RSS (time -v) | "
                 "peak RSS (VmHWM) | RSS vs 1,000 |")
        L.append("|---:|---:|---:|---:|---:|---:|---:|")
        base = paging["rows"][0]["peak_rss_kib"]
        for r in paging["rows"]:
            tv = f"{r['time_v_max_rss_kib'] / 1024:.1f} MiB" if r.get("time_v_max_rss_kib") \
                else "n/a"
            L.append(f"| {r['participants']:,} | {r['pages']:,} | {r['seconds']:.2f} s | "
                     f"{fmt_rps(r['participants'] / r['seconds'])} | {tv} | "
                     f"{r['peak_rss_kib'] / 1024:.1f} MiB | {r['peak_rss_kib'] / base:.2f}x |")
        if len(paging["rows"]) > 1:
            growth = paging["rows"][-1]["peak_rss_kib"] - base
            flat = growth < 2048
            L.append("")
            L.append(f"Memory from 1,000 to {paging['rows'][-1]['participants']:,} participants "
                     f"grows by {growth / 1024:.1f} MiB: "
                     + ("flat (one page in memory at a time)." if flat else "NOT flat."))
            targets.append(("paging memory flat (1,000 to 100,000 participants)",
                            f"+{growth / 1024:.1f} MiB", flat))
        L.append("")

    if codegen:
        L.append("## Code generation and build")
        L.append("")
        L.append("| what | time | ratio |")
        L.append("|---|---:|---:|")
        x = codegen.get("xtask_generate_s")
        L.append(f"| `cargo xtask generate` (after build; cargo's own start-up included) | "
                 f"{x:.2f} s | 1.00x |")
        L.append(f"| `target/debug/xtask generate` (the binary alone) | "
                 f"{codegen['xtask_binary_s']:.2f} s | {codegen['xtask_binary_s'] / x:.2f}x |")
        if "openapi_rust_s" in codegen:
            o = codegen["openapi_rust_s"]
            L.append(f"| `openapi-generator-cli generate -g rust` (JVM start-up included) | "
                     f"{o:.2f} s | {o / x:.2f}x |")
        if "cold_build_s" in codegen:
            L.append(f"| cold `cargo build -p plivo-mpc` (fresh target dir, debug, default "
                     f"features: rustls) | {codegen['cold_build_s']:.0f} s | |")
        L.append("")

    if targets:
        L.append("## Targets")
        L.append("")
        L.append("| target | measured | |")
        L.append("|---|---:|---|")
        for what, value, ok in targets:
            L.append(f"| {what} | {value} | {met(ok)} |")
        L.append("")
    notes = HERE / "NOTES.md"
    if notes.exists() and not quick:
        L.append(notes.read_text().rstrip())
        L.append("")
    L.append("## Skipped")
    L.append("")
    L.extend([f"- {s}" for s in SKIPPED] or ["- nothing"])
    L.append("")
    return "\n".join(L)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="check the harness runs (seconds)")
    ap.add_argument("--only", help="comma-separated sections: decode,e2e,paging,codegen")
    ap.add_argument("--no-write", action="store_true", help="print, do not write the results")
    args = ap.parse_args()
    only = set(args.only.split(",")) if args.only else {"decode", "e2e", "paging", "codegen"}
    started = time.monotonic()
    load = version_of(["uptime"])
    WORK.mkdir(parents=True, exist_ok=True)
    profile = "debug" if args.quick else "release"
    global FIX_ACTIVE
    fixed_decode = None
    if only & {"decode", "e2e"}:
        try:
            FIX_ACTIVE = prepare_fix(args.quick)
            if FIX_ACTIVE and "decode" in only:
                fixed_decode = decode_fix()
        except Exception as e:  # noqa: BLE001
            skip("proposed client fix", f"build failed: {str(e)[:300]}")
            FIX_ACTIVE = False
    say(f"building the harness ({profile})")
    build = ["cargo", "build", "-q", "-p", "plivo-mpc-bench", "--bins"]
    if not args.quick:
        build.append("--release")
    run(build, timeout=900)
    bins = ROOT / "target" / profile
    py_ok = node_ok = False
    if only & {"e2e", "codegen"}:
        py_ok, node_ok = polyglot_envs(install=not args.quick)
    decode = section_decode(args.quick, fixed_decode) if "decode" in only else None
    e2e = section_e2e(bins, args.quick, py_ok, node_ok, profile) if "e2e" in only else None
    paging = section_paging(bins, args.quick) if "paging" in only else None
    codegen = section_codegen(args.quick, py_ok) if "codegen" in only else None
    text = render(args, load, time.monotonic() - started, machine(), versions(py_ok, node_ok),
                  decode, e2e, paging, codegen)
    print(text)
    if not args.no_write:
        out = QUICK_RESULTS if args.quick else RESULTS
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text)
        say(f"wrote {out.relative_to(ROOT)} ({time.monotonic() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
