"""The worker helper: work runs off the UI thread, outcomes come back on it."""

from __future__ import annotations

import threading
import time

import shiboken6
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.errors import NotFound
from app.ui.workers import TaskControl, TaskRunner


def on_ui_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def test_result_arrives_on_the_ui_thread_and_busy_is_reported(qtbot: QtBot) -> None:
    runner = TaskRunner()
    seen: dict[str, object] = {}

    def work(_task: TaskControl) -> str:
        seen["worker_on_ui_thread"] = on_ui_thread()
        return "done"

    busy: list[bool] = []
    runner.busy_changed.connect(busy.append)
    runner.run(
        work,
        on_success=lambda value: seen.update(value=value, callback_on_ui_thread=on_ui_thread()),
        on_finished=lambda: seen.update(finished=True),
    )
    assert runner.busy
    qtbot.waitUntil(lambda: busy == [True, False], timeout=5000)
    assert seen == {"worker_on_ui_thread": False, "value": "done", "callback_on_ui_thread": True, "finished": True}
    assert not runner.busy


def test_failure_delivers_the_exception(qtbot: QtBot) -> None:
    runner = TaskRunner()
    errors: list[BaseException] = []

    def work(_task: TaskControl) -> None:
        raise NotFound("There is no account with reference 1.")

    runner.run(work, on_success=lambda _v: errors.append(AssertionError("no success expected")), on_failure=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert isinstance(errors[0], NotFound)
    assert str(errors[0]) == "There is no account with reference 1."


def test_progress_and_cancel(qtbot: QtBot) -> None:
    runner = TaskRunner()
    progress: list[tuple[int, int]] = []
    outcome: list[int] = []
    started = threading.Event()

    def work(task: TaskControl) -> int:
        done = 0
        while not task.cancelled() and done < 10_000:
            done += 1
            task.progress(done, 10_000)
            started.set()
            time.sleep(0.001)
        return done

    handle = runner.run(work, on_progress=lambda d, t: progress.append((d, t)), on_success=outcome.append)
    assert started.wait(5)
    qtbot.waitUntil(lambda: bool(progress), timeout=5000)
    handle.cancel()
    qtbot.waitUntil(lambda: bool(outcome), timeout=5000)
    assert handle.cancel_requested and handle.finished
    assert 0 < outcome[0] < 10_000
    assert all(total == 10_000 for _d, total in progress)
    assert len(progress) < outcome[0]  # throttled, not one signal per step


def test_no_callback_after_the_owner_is_gone(qtbot: QtBot) -> None:
    runner = TaskRunner()
    owner = QWidget()
    gate = threading.Event()
    calls: list[str] = []
    runner.run(lambda _t: gate.wait(5), on_success=lambda _v: calls.append("success"), owner=owner)
    owner.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(owner), timeout=5000)
    gate.set()
    qtbot.waitUntil(lambda: not runner.busy, timeout=5000)
    assert calls == []
