"""REVDESK_STARTUP_PROBE: the desktop reports its first paint and quits (bench/frozen_start.py
times the frozen build with it); without the variable it does nothing."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QWidget

from app.ui import main_window, startup_probe


def test_the_first_paint_is_reported_and_the_desktop_quits(
    qapp: QApplication, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, sqlite_url: str
) -> None:
    probe = tmp_path / "ready"
    monkeypatch.setenv(startup_probe.VARIABLE, str(probe))
    monkeypatch.setattr(main_window, "show_startup_error", lambda message: pytest.fail(message))
    before = time.time()
    assert main_window.run_gui(db_url=sqlite_url, username="ann") == 0  # closed by the probe, not by hand
    assert before <= float(probe.read_text(encoding="utf-8")) <= time.time()
    assert not [w for w in qapp.topLevelWidgets() if isinstance(w, main_window.MainWindow) and w.isVisible()]


def test_without_the_variable_nothing_is_watched(qapp: QApplication, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(startup_probe.VARIABLE, raising=False)
    widget = QWidget()
    startup_probe.watch(widget)
    assert not widget.findChildren(startup_probe._FirstPaint)
