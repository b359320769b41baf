"""What every pane is given: the service facade, the worker helper and the date.

`today` is injected (not read by each pane) so the whole desktop works "as of" one date:
`app.clock.today` in the application, a fixed date in tests and screenshots.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from app.application import Application
from app.ui.workers import TaskRunner


@dataclass(frozen=True)
class UiContext:
    app: Application
    runner: TaskRunner
    today: Callable[[], date]
