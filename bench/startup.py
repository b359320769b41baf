"""Desktop start-up time: from process start to a usable, shown main window.

Why: an officer should be at work two seconds after starting Revenues Desk, whatever the
size of the council's database (target ≤ 2 s at 1,000,000 accounts). Each run is a fresh
process, spawned the way a desktop shortcut starts it, that goes through the real path
(`app.ui.main_window.open_main_window`: bootstrap with the migration check, the acting
user, the window, the first paint). "Ready" is when the event loop has painted the search
box, which then has the keyboard focus.

The parent times each child from just before it is spawned (so interpreter start-up and
imports count) to the moment the child reports ready, and prints one JSON object with
p50/max over the runs; each child also reports where its time went.

    /work/main/.venv/bin/python -m bench.startup --db sqlite:////tmp/ui-bench.db --runs 7

Without a display (no DISPLAY/WAYLAND_DISPLAY) the children use Qt's offscreen platform.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 2000
READY_TIMEOUT_S = 60


# --- child: one start-up -------------------------------------------------------------

def child(args: argparse.Namespace) -> int:
    """Start the desktop as `revdesk` would, report timings as one JSON line, quit."""
    spawned_at = args.spawned_at
    marks: dict[str, float] = {"main": time.time()}

    from PySide6.QtCore import QEvent, QObject, QTimer

    from app.ui import main_window

    marks["imported"] = time.time()
    real_bootstrap = main_window.bootstrap

    def timed_bootstrap(*a: Any, **kw: Any) -> Any:
        started = time.time()
        try:
            return real_bootstrap(*a, **kw)
        finally:
            marks["bootstrap_s"] = time.time() - started

    main_window.bootstrap = timed_bootstrap  # the same call, only timed
    failure: list[str] = []
    main_window.show_startup_error = failure.append  # report, don't wait for a click

    app = main_window.application()
    window = main_window.open_main_window(args.db, args.settings, args.user)
    marks["window_shown"] = time.time()
    if window is None:
        print(json.dumps({"error": failure[0] if failure else "the window did not open"}), flush=True)
        return 1
    box = window.accounts.search.box

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and "painted" not in marks:
                QTimer.singleShot(0, ready)  # after this paint has been handled
            return False

    def ready() -> None:
        if "painted" in marks:
            return
        marks["painted"] = time.time()
        marks["usable"] = float(box.isVisible() and box.isEnabled() and window.focusWidget() is box)
        QTimer.singleShot(0, check_done)

    def check_done() -> None:
        if window.runner.busy:  # the start-up has_accounts() check, off the UI thread
            QTimer.singleShot(5, check_done)
            return
        marks["startup_check_done"] = time.time()
        app.quit()

    watcher = FirstPaint()
    box.installEventFilter(watcher)
    box.update()
    QTimer.singleShot(READY_TIMEOUT_S * 1000, app.quit)
    app.exec()
    window.close()
    window.app.close()
    if "painted" not in marks:
        print(json.dumps({"error": f"no paint within {READY_TIMEOUT_S} s"}), flush=True)
        return 1

    def since_spawn(mark: str) -> float | None:
        return round((marks[mark] - spawned_at) * 1000, 1) if mark in marks else None

    report = {
        "ready_at": marks["painted"],
        "usable": bool(marks["usable"]),
        "phases_ms": {
            "interpreter_start": since_spawn("main"),
            "imports": round((marks["imported"] - marks["main"]) * 1000, 1),
            "bootstrap": round(marks.get("bootstrap_s", 0.0) * 1000, 1),
            "window_shown": since_spawn("window_shown"),
            "first_paint": since_spawn("painted"),
            "startup_check_done": since_spawn("startup_check_done"),
        },
    }
    print(json.dumps(report), flush=True)
    return 0


# --- parent: several runs --------------------------------------------------------------

def percentile(ordered: list[float], q: float) -> float:
    pos = (len(ordered) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    if not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY") or sys.platform != "linux"):
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return env


def run_once(args: argparse.Namespace) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", "--db", args.db]
    if args.db.startswith("sqlite"):  # on a server the login acts: --user would be refused
        cmd += ["--user", args.user or "bench"]
    if args.settings:
        cmd += ["--settings", args.settings]
    spawned_at = time.time()
    proc = subprocess.run(
        [*cmd, "--spawned-at", repr(spawned_at)], cwd=ROOT, env=child_env(),
        capture_output=True, text=True, timeout=READY_TIMEOUT_S + 30,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        detail = json.loads(lines[-1]).get("error") if lines else proc.stderr.strip()[-500:]
        raise SystemExit(f"startup run failed (exit {proc.returncode}): {detail}")
    report: dict[str, Any] = json.loads(lines[-1])
    report["ready_ms"] = round((report.pop("ready_at") - spawned_at) * 1000, 1)
    return report


def safe_url(url: str) -> str:
    """The URL without a password, for the report."""
    scheme, sep, rest = url.partition("://")
    creds, at, host = rest.rpartition("@")
    if not at or ":" not in creds:
        return url
    return f"{scheme}{sep}{creds.split(':', 1)[0]}:***@{host}"


def parent(args: argparse.Namespace) -> int:
    runs: list[dict[str, Any]] = []
    for n in range(args.warmup + args.runs):
        report = run_once(args)
        label = "warm-up" if n < args.warmup else f"run {n - args.warmup + 1}/{args.runs}"
        print(f"[bench] {label}: ready in {report['ready_ms']:.0f} ms", file=sys.stderr, flush=True)
        if n >= args.warmup:
            runs.append(report)
    ready = sorted(r["ready_ms"] for r in runs)
    phases = sorted({k for r in runs for k in r["phases_ms"]})
    summary = {
        "benchmark": "desktop_startup",
        "db": safe_url(args.db),
        "runs": len(runs),
        "warmup_runs": args.warmup,
        "ready_ms": {"p50": round(percentile(ready, 50), 1), "max": ready[-1], "min": ready[0]},
        "phases_p50_ms": {
            k: round(percentile(sorted(r["phases_ms"][k] for r in runs if r["phases_ms"].get(k) is not None), 50), 1)
            for k in phases
            if any(r["phases_ms"].get(k) is not None for r in runs)
        },
        "all_usable": all(r["usable"] for r in runs),
        "target_ms": TARGET_MS,
        "meets_target": ready[-1] <= TARGET_MS,
        "samples_ms": [r["ready_ms"] for r in runs],
        "platform": child_env().get("QT_QPA_PLATFORM", "default"),
    }
    print(json.dumps(summary))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time from process start to a usable Revenues Desk window.")
    parser.add_argument("--db", required=True, help="database URL of an existing database, e.g. sqlite:////path/revdesk.db")
    parser.add_argument("--settings", default=None, help="authority settings TOML (default: the built-in file)")
    parser.add_argument("--user", default=None, help="acting user on an embedded file (default: bench); on a "
                        "server the login acts")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--warmup", type=int, default=0, help="runs to do first and leave out (default 0: a cold start counts)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--spawned-at", type=float, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        if args.spawned_at is None:
            args.spawned_at = time.time()
        sys.path.insert(0, str(ROOT))
        return child(args)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return parent(args)


if __name__ == "__main__":
    sys.exit(main())
