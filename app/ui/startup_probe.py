"""Timing a start where it matters: on the desktop, in the build that is deployed.

`REVDESK_STARTUP_PROBE=FILE revenues-desk` starts as usual and, once the main window has
painted for the first time (the officer could type in the search box), writes the wall-clock
time to FILE and closes the window, which ends the application as an officer closing it would
(background work finished first). bench/frozen_start.py uses it to compare the frozen build with the
source install; IT can use it the same way on a locked-down desktop. Without the variable
nothing here runs.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

VARIABLE = "REVDESK_STARTUP_PROBE"


class _FirstPaint(QObject):
    def __init__(self, window: QWidget, path: Path) -> None:
        super().__init__(window)
        self.window = window
        self.path = path
        self.done = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self.done:
            self.done = True
            QTimer.singleShot(0, self._report)  # after this paint has been handled
        return False

    def _report(self) -> None:
        self.path.write_text(f"{time.time():.6f}\n", encoding="utf-8")
        self.window.close()


def watch(window: QWidget) -> None:
    """If the probe is asked for, report the window's first paint and quit."""
    target = os.environ.get(VARIABLE)
    if target:
        window.installEventFilter(_FirstPaint(window, Path(target)))
