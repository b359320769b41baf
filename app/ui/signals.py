"""Emitting Qt signals from Python without corrupting the interpreter.

PySide6 6.12.0 returns the result of `SignalInstance.emit()` (a bool) without taking a
reference to it. On Python 3.11, where True and False are ordinary reference-counted
objects (3.12 made them immortal), every discarded result lowers True's count by one;
after a few hundred emits the interpreter aborts with "Fatal Python error: bool_dealloc:
deallocating True or False". A desktop that emits a signal per search would die within
a working day.

So app/ui never calls `.emit()` directly: it calls `emit(signal, *args)`, which checks
once whether this PySide leaks that reference and, only if it does, gives the result the
reference PySide did not. On a fixed PySide, or on Python 3.12+, it is a plain emit.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance

_incref = ctypes.pythonapi.Py_IncRef
_incref.argtypes = [ctypes.py_object]
_incref.restype = None


def _emit(signal: SignalInstance, *args: Any) -> object:
    """The raw emit, keeping its result (the type stubs wrongly say it returns None)."""
    raw: Any = signal.emit
    result: object = raw(*args)
    return result


class _Probe(QObject):
    fired = Signal()


def _emit_drops_a_reference() -> bool:
    """Does emit() hand back a result it holds no reference for? (Repairs the probe's own.)"""
    probe = _Probe()
    true_before = sys.getrefcount(True)
    false_before = sys.getrefcount(False)
    kept = _emit(probe.fired)
    if not isinstance(kept, bool):
        return False
    after = sys.getrefcount(kept)
    drops = after == (true_before if kept else false_before)  # holding `kept` should add one
    if drops:
        _incref(kept)
    return drops


EMIT_DROPS_REFERENCE = _emit_drops_a_reference()


def emit(signal: SignalInstance, *args: Any) -> None:
    """`signal.emit(*args)`, safe on PySide6 6.12 with Python 3.11 (see module doc)."""
    result = _emit(signal, *args)
    if EMIT_DROPS_REFERENCE:
        _incref(result)
