"""The frozen build against the source install: size, and start to a usable window.

Why: the frozen build is what a council deploys, so its start must stay within 1.5 times
the source install's (issue 19), and the unpacked folder within 150 MB (aim 120 MB). Each
run is a fresh process started the way a desktop shortcut starts it (the source install's
`revdesk gui` console script, or `dist/revenues-desk/revenues-desk gui`), on the same demo
database; the time is from just before the spawn to the window's first paint, which the
application reports itself (app/ui/startup_probe.py) and then quits. Runs alternate between
the two so a busy machine slows both alike. Prints one JSON object.

    bash installer/build            # makes dist/revenues-desk
    .venv/bin/python -m bench.frozen_start --runs 7

Without a display the programs use Qt's offscreen platform. The build time is not measured
here: installer/build prints it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FROZEN = ROOT / "dist" / "revenues-desk" / "revenues-desk"
SOURCE = ROOT / ".venv" / "bin" / "revdesk"
TARGET_RATIO = 1.5
TARGET_MB, AIM_MB = 150, 120
TIMEOUT_S = 120


def folder_mb(folder: Path) -> float:
    """Apparent size of every file (what the unpacked bundle takes, not disk blocks)."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink()) / 1_048_576


def start_once(program: Path, db: str, user: str, env: dict[str, str]) -> float:
    """Seconds from spawn to the first paint of the main window."""
    with tempfile.TemporaryDirectory() as folder:
        probe = Path(folder) / "ready"
        started = time.time()
        done = subprocess.run([str(program), "--db", db, "--user", user, "gui"], env={**env, "REVDESK_STARTUP_PROBE": str(probe)},
                              capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
        if done.returncode != 0 or not probe.exists():
            raise SystemExit(f"{program} did not start (exit {done.returncode}): {done.stderr.strip()[-500:]}")
        return float(probe.read_text(encoding="utf-8")) - started


def summary(seconds: list[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in seconds)
    return {"p50_ms": round(statistics.median(ms)), "min_ms": round(ms[0]), "max_ms": round(ms[-1])}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--accounts", type=int, default=2000, help="demo accounts in the embedded database")
    args = parser.parse_args()
    if not FROZEN.exists():
        print(f"bench.frozen_start: {FROZEN} is missing: run bash installer/build first", file=sys.stderr)
        return 2
    env = dict(os.environ)
    if not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        env["QT_QPA_PLATFORM"] = "offscreen"
    with tempfile.TemporaryDirectory() as data:
        env["REVDESK_DATA_DIR"] = data
        db = f"sqlite:///{Path(data) / 'bench.db'}"
        subprocess.run([str(SOURCE), "--db", db, "--user", "bench", "demo", "--accounts", str(args.accounts), "--seed", "1"],
                       env=env, check=True, capture_output=True)
        for program in (SOURCE, FROZEN):  # once each, unmeasured: the page cache warm for both
            start_once(program, db, "bench", env)
        source: list[float] = []
        frozen: list[float] = []
        for _ in range(args.runs):
            source.append(start_once(SOURCE, db, "bench", env))
            frozen.append(start_once(FROZEN, db, "bench", env))
    ratio = statistics.median(frozen) / statistics.median(source)
    size = folder_mb(FROZEN.parent)
    print(json.dumps({
        "bench": "frozen_start", "runs": args.runs, "accounts": args.accounts, "platform": env.get("QT_QPA_PLATFORM", "display"),
        "source": summary(source), "frozen": summary(frozen),
        "ratio_p50": round(ratio, 2), "target_ratio": TARGET_RATIO, "ratio_ok": ratio <= TARGET_RATIO,
        "bundle_mb": round(size, 1), "target_mb": TARGET_MB, "aim_mb": AIM_MB, "size_ok": size <= TARGET_MB,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
