"""Asking for a PostgreSQL password when the OS keyring has none.

The answer is handed straight to the connection for this session; it is never written
to a file or a log (the keyring, where available, is the only place a password is kept).
"""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget


def ask_password(account: str, parent: QWidget | None = None) -> str | None:
    """The password for `account` (user@host:port/database), or None if the officer cancels."""
    text, ok = QInputDialog.getText(
        parent,
        "Database password",
        f"Password for {account}\n(used for this session only; it is not saved to a file)",
        QLineEdit.EchoMode.Password,
    )
    return text if ok and text else None
