"""Slow work off the UI thread, through one helper.

Every service call that may take more than ~50 ms goes through `TaskRunner.run`: the
work function runs on a `QThreadPool` thread, and its result or exception comes back
to the UI thread as a callback, so widgets are only ever touched on the UI thread.
Long work can report progress and see a cancel request through the `TaskControl` it is
given. Application methods open their own session per call, which is what makes this safe.

How results come back: each task gets a small `_Relay` QObject created on the UI thread.
The worker emits the relay's signals; because the relay lives on the UI thread, Qt
queues those emissions and the relay's slots (which call the callbacks) run there.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QThreadPool, Signal, Slot

from app.errors import ConnectionLost, ServiceError
from app.ui.signals import emit

T = TypeVar("T")
log = logging.getLogger(__name__)

PROGRESS_INTERVAL_S = 0.05  # enough for a smooth bar without flooding the event queue

Work = Callable[["TaskControl"], T]
Success = Callable[[T], None]
Failure = Callable[[BaseException], None]
ProgressCallback = Callable[[int, int], None]
Finished = Callable[[], None]


class TaskHandle:
    """What the caller keeps: ask the task to stop, and see whether it has finished."""

    def __init__(self, description: str) -> None:
        self.description = description
        self._cancel = threading.Event()
        self.finished = False

    def cancel(self) -> None:
        """Ask the work to stop; it stops at its next `cancelled()` check (it is never killed)."""
        self._cancel.set()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()


class TaskControl:
    """Given to the work function on the worker thread: report progress, check for cancel."""

    def __init__(self, relay: _Relay[Any], handle: TaskHandle) -> None:
        self._relay = relay
        self._handle = handle
        self._last_emit = 0.0

    def progress(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self._last_emit < PROGRESS_INTERVAL_S:
            return
        self._last_emit = now
        emit(self._relay.progressed, done, total)

    def cancelled(self) -> bool:
        return self._handle.cancel_requested


class _Relay(QObject, Generic[T]):
    """Carries one task's progress and outcome from the worker thread to the UI thread."""

    progressed = Signal(int, int)
    completed = Signal(bool, object)  # ok, result-or-exception

    def __init__(
        self,
        runner: TaskRunner,
        handle: TaskHandle,
        on_success: Success[T] | None,
        on_failure: Failure | None,
        on_progress: ProgressCallback | None,
        on_finished: Finished | None,
        owner: QObject | None,
    ) -> None:
        super().__init__()
        self._runner = runner
        self._handle = handle
        self._on_success = on_success
        self._on_failure = on_failure
        self._on_progress = on_progress
        self._on_finished = on_finished
        self._owner = owner
        self.progressed.connect(self._deliver_progress)
        self.completed.connect(self._deliver_outcome)

    def _owner_gone(self) -> bool:
        """A pane closed while its work ran: its callbacks would touch deleted widgets."""
        return self._owner is not None and not shiboken6.isValid(self._owner)

    @Slot(int, int)
    def _deliver_progress(self, done: int, total: int) -> None:
        if self._on_progress is not None and not self._owner_gone():
            self._on_progress(done, total)

    @Slot(bool, object)
    def _deliver_outcome(self, ok: bool, payload: Any) -> None:
        self._handle.finished = True
        if not ok and isinstance(payload, ConnectionLost) and shiboken6.isValid(self._runner) and not self._owner_gone():
            # The window shows the banner; not for a pane already gone (e.g. work on a
            # database the window has since moved away from).
            emit(self._runner.connection_lost)
        try:
            if self._owner_gone():
                return
            if ok:
                if self._on_success is not None:
                    self._on_success(payload)
            elif self._on_failure is not None:
                self._on_failure(payload)
            if self._on_finished is not None:
                self._on_finished()
        finally:
            if shiboken6.isValid(self._runner):
                self._runner._task_done(self._handle)


class TaskRunner(QObject):
    """Runs work functions on its own thread pool; tells the window when it is busy and
    when a task failed because the database stopped answering."""

    busy_changed = Signal(bool)
    connection_lost = Signal()

    def __init__(self, parent: QObject | None = None, max_threads: int | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads or max(2, QThreadPool.globalInstance().maxThreadCount()))
        self._active: dict[TaskHandle, _Relay[Any]] = {}

    def run(
        self,
        work: Work[T],
        *,
        on_success: Success[T] | None = None,
        on_failure: Failure | None = None,
        on_progress: ProgressCallback | None = None,
        on_finished: Finished | None = None,
        owner: QObject | None = None,
        description: str = "",
    ) -> TaskHandle:
        """Start `work(control)` on a worker thread; callbacks run on the UI thread.

        `on_finished` runs after success or failure. If `owner` (usually the pane that
        asked) has been deleted by then, no callback runs. An exception with no
        `on_failure` is logged; unexpected (non-service) errors are always logged.
        """
        handle = TaskHandle(description or getattr(work, "__name__", "task"))
        relay: _Relay[T] = _Relay(self, handle, on_success, on_failure, on_progress, on_finished, owner)
        control = TaskControl(relay, handle)

        def job() -> None:
            try:
                result = work(control)
            except BaseException as exc:
                if not isinstance(exc, ServiceError) or on_failure is None:
                    log.error("Background task '%s' failed", handle.description, exc_info=exc)
                emit(relay.completed, False, exc)
            else:
                emit(relay.completed, True, result)

        self._active[handle] = relay
        if len(self._active) == 1:
            emit(self.busy_changed, True)
        self._pool.start(job)
        return handle

    @property
    def busy(self) -> bool:
        return bool(self._active)

    def cancel_all(self) -> None:
        for handle in list(self._active):
            handle.cancel()

    def wait_for_done(self, msecs: int = -1) -> bool:
        """Block until the worker threads are idle (shutdown and tests). Callbacks still
        queued are delivered by the event loop afterwards, if it runs again."""
        return self._pool.waitForDone(msecs)

    def _task_done(self, handle: TaskHandle) -> None:
        if self._active.pop(handle, None) is not None and not self._active:
            emit(self.busy_changed, False)
