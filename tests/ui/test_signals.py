"""Emitting signals must not wear down the interpreter's reference to True (PySide6
6.12.0 on Python 3.11 drops one per `.emit()`; app.ui.signals.emit repairs it)."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QObject, Signal

import app.ui
from app.ui.signals import emit


class _Source(QObject):
    plain = Signal()
    with_args = Signal(int, object)


def test_many_emits_leave_true_and_false_reference_counts_alone() -> None:
    source = _Source()
    received: list[int] = []
    source.plain.connect(lambda: received.append(0))
    source.with_args.connect(lambda n, _payload: received.append(n))
    before = (sys.getrefcount(True), sys.getrefcount(False))
    for n in range(2000):
        emit(source.plain)
        emit(source.with_args, n, None)
    assert len(received) == 4000
    # The leak is one reference per emit (4,000 here); a thread left running by an earlier
    # test may move the counts by a handful meanwhile, which is not what this test is about.
    after = (sys.getrefcount(True), sys.getrefcount(False))
    assert all(abs(a - b) < 100 for a, b in zip(after, before, strict=True)), (before, after)


def test_app_ui_emits_only_through_the_helper() -> None:
    """A direct `.emit(` anywhere else in app/ui would bring the leak back."""
    ui = Path(app.ui.__file__).parent
    offenders = [
        f"{path.relative_to(ui)}:{n}"
        for path in sorted(ui.rglob("*.py"))
        if path.name != "signals.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if ".emit(" in line and not line.lstrip().startswith("#")
    ]
    assert offenders == []
