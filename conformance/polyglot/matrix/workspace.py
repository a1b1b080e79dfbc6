"""Where the matrix keeps things, and how a step runs.

Everything the runner writes goes under the cargo target dir (`CARGO_TARGET_DIR`, a
`build.target-dir` setting, else `target/`; asked of `cargo metadata`), in `polyglot/`: the
virtualenv, npm packages, generated clients, harness builds, logs, the harness config and the
results JSON. Nothing there is committed; only MATRIX.md is.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
HERE = ROOT / "conformance" / "polyglot"
MATRIX = HERE / "MATRIX.md"
DEFAULT_SPEC = ROOT / "openapi" / "plivo-mpc.yaml"


class StepError(Exception):
    """A step failed; the message is the matrix note."""


def cargo() -> str:
    """The cargo that runs xtask (`$CARGO`), else `cargo` from the PATH."""
    return os.environ.get("CARGO") or "cargo"


def find_target_dir(explicit: str | None = None) -> Path:
    """The cargo target dir: `--target-dir`, else what cargo says (it reads CARGO_TARGET_DIR
    and `build.target-dir`), else CARGO_TARGET_DIR, else `target/` under the workspace."""
    if explicit:
        return Path(explicit).resolve()
    try:
        out = subprocess.run([cargo(), "metadata", "--format-version", "1", "--no-deps",
                              "--offline"], cwd=ROOT, capture_output=True, text=True,
                             timeout=120)
        if out.returncode == 0:
            return Path(json.loads(out.stdout)["target_directory"]).resolve()
    except (OSError, subprocess.TimeoutExpired, ValueError, KeyError):
        pass
    env = os.environ.get("CARGO_TARGET_DIR")
    return (ROOT / env).resolve() if env else ROOT / "target"


class Workspace:
    """The scratch folders under `<target>/polyglot/`."""

    def __init__(self, target: Path):
        self.target = target
        self.work = target / "polyglot"
        self.logs = self.work / "logs"
        self.venv = self.work / "venv"
        self.node = self.work / "node"
        self.gen = self.work / "gen"
        self.config = self.work / "config.json"
        self.operations = self.work / "operations.json"
        self.results = self.work / "results.json"
        self.reference = self.work / "reference.json"

    def log_path(self, row: str, step: str) -> Path:
        self.logs.mkdir(parents=True, exist_ok=True)
        return self.logs / f"{row}-{step}.log"

    def shown(self, path: Path) -> str:
        """A path as a note says it: the same on every machine and target dir."""
        path = Path(path)
        for base, name in ((self.target, "<target>"), (ROOT, ".")):
            try:
                return f"{name}/{path.relative_to(base)}"
            except ValueError:
                continue
        return str(path)


W = Workspace(ROOT / "target")


def configure(target: Path) -> Workspace:
    global W
    W = Workspace(target)
    return W


def sh(row: str, step: str, cmd: list[str], cwd: Path = ROOT, env: dict | None = None,
       timeout: int = 900, quiet_stdout: bool = False) -> str:
    """Runs cmd, logs its output, returns stdout; raises StepError with the last line."""
    log = W.log_path(row, step)
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
            raise StepError(f"{Path(cmd[0]).name} timed out after {timeout} s") from e
        out.write(proc.stderr)
        if not quiet_stdout:
            out.write(proc.stdout)
    if proc.returncode != 0:
        lines = [line for line in (proc.stderr + proc.stdout).splitlines() if line.strip()]
        tail = lines[-1] if lines else ""
        raise StepError(f"{Path(cmd[0]).name} exit {proc.returncode}: {tail[:160]} "
                        f"(log: {W.shown(log)})")
    return proc.stdout


def have(tool: str) -> bool:
    return shutil.which(tool) is not None


def stamp_ok(folder: Path, key: str) -> bool:
    stamp = folder / ".polyglot-stamp"
    return stamp.exists() and stamp.read_text() == key


def write_stamp(folder: Path, key: str) -> None:
    (folder / ".polyglot-stamp").write_text(key)


def digest(*paths: Path) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(p.read_bytes())
    return h.hexdigest()


def fresh_dir(path: Path) -> Path:
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path
