"""Typed errors whose messages are fit to show an officer as they are (CLI and desktop alike)."""

from __future__ import annotations


class ServiceError(Exception):
    """Base of every error a service raises on purpose. `str(err)` is one clear sentence."""


class ValidationError(ServiceError):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotAllowed(ServiceError):
    """The acting user's role does not permit this."""


class NotFound(ServiceError):
    pass


class Conflict(ServiceError):
    """Someone else changed the record, or the action was already done."""


class DatabaseUnavailable(ServiceError):
    """The database cannot be reached or opened; the message is one sentence for a person."""


class ConnectionLost(DatabaseUnavailable):
    """The database stopped answering mid-task (server down, network gone). What was being
    done did not complete; the desktop shows a banner and reconnects when it can."""
