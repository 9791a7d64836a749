"""Benchmark: how fast ``moderator-cli`` starts, against a bare ``python -c pass``.

Run: .venv/bin/python bench/bench_cli_start.py [-n 7]

Times, interleaved ``-n`` times each (so that load from other processes hits all alike):
  * ``python -c pass`` with the same interpreter (the baseline: what any Python command costs);
  * ``moderator-cli --help`` (parsing only: no command runs);
  * ``moderator-cli verify FILE`` on a small intact export (200 rows; made once, in a temp
    folder, by ``moderator-cli demo`` and ``export`` before the timing starts).
Prints the median wall time and the median CPU time (user + system, which depends far less
on what else the machine is doing) of each, and their ratios to the baseline. The goal is
a command line that starts at once: at most 0.25 s wall for ``--help`` and ``verify``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CLI = BIN / "moderator-cli"
GOAL_S = 0.25


def timed(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child) of one run; the command must succeed."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed with exit code {proc.returncode}")
    return wall, usage.ru_utime + usage.ru_stime


def make_export(folder: Path) -> Path:
    db, out = folder / "bench.sqlite3", folder / "log.csv"
    common = {"check": True, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    subprocess.run(
        [str(CLI), "demo", "--db", str(db), "--items", "1", "--decided", "200", "--media-dir", str(folder / "m")],
        **common,  # type: ignore[arg-type]
    )
    subprocess.run([str(CLI), "export", "--db", str(db), "--format", "csv", "-o", str(out)], **common)  # type: ignore[arg-type]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=7, help="runs of each command (the median is kept; default 7)")
    args = ap.parse_args()
    if not CLI.exists():
        sys.exit(f"{CLI} is missing: run this with the project's .venv/bin/python (pip install -e .)")
    with tempfile.TemporaryDirectory() as tmp:
        log = make_export(Path(tmp))
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "moderator-cli --help": [str(CLI), "--help"],
            "moderator-cli verify FILE": [str(CLI), "verify", str(log)],
        }
        for cmd in commands.values():  # warm the file cache and the .pyc files
            timed(cmd)
        wall: dict[str, list[float]] = {k: [] for k in commands}
        cpu: dict[str, list[float]] = {k: [] for k in commands}
        for _ in range(args.n):
            for label, cmd in commands.items():
                w, c = timed(cmd)
                wall[label].append(w)
                cpu[label].append(c)
    med_wall = {k: statistics.median(v) for k, v in wall.items()}
    med_cpu = {k: statistics.median(v) for k, v in cpu.items()}
    base_wall, base_cpu = med_wall.pop("python -c pass"), med_cpu.pop("python -c pass")
    print(f"median of {args.n} interleaved runs; load average {os.getloadavg()[0]:.1f}")
    print(f"python -c pass (baseline): {base_wall * 1000:.0f} ms wall, {base_cpu * 1000:.0f} ms CPU")
    for label, w in med_wall.items():
        c = med_cpu[label]
        verdict = "ok" if w <= GOAL_S else "OVER"
        print(
            f"{label}: {w * 1000:.0f} ms wall, {c * 1000:.0f} ms CPU -> ratio this / baseline = "
            f"{w / base_wall:.2f}x wall, {c / base_cpu:.2f}x CPU  (goal <= {GOAL_S * 1000:.0f} ms wall: {verdict})"
        )


if __name__ == "__main__":
    main()
