"""Database passwords live in the OS keyring, never in files or logs.

Where the machine has no usable keyring the caller is asked to prompt for the password
(and it is used for this session only). Nothing is ever written to disk in plain text.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.engine import URL

SERVICE = "revenues-desk"

PasswordPrompt = Callable[[str], str | None]


def keyring_account(url: URL) -> str:
    """The keyring entry name for a server login: user@host:port/database."""
    return f"{url.username}@{url.host or 'localhost'}:{url.port or 5432}/{url.database}"


def lookup_password(url: URL) -> str | None:
    """The stored password for this login, or None (also when there is no keyring)."""
    import keyring  # only PostgreSQL logins need it: not imported when the embedded database starts
    import keyring.errors

    try:
        return keyring.get_password(SERVICE, keyring_account(url))
    except keyring.errors.KeyringError:
        return None


def store_password(url: URL, password: str) -> bool:
    """Remember a password in the keyring. False when no keyring is usable (not stored)."""
    import keyring
    import keyring.errors

    try:
        keyring.set_password(SERVICE, keyring_account(url), password)
    except keyring.errors.KeyringError:
        return False
    return True


def forget_password(url: URL) -> bool:
    """Remove a remembered password; True if there was one (False also when no keyring)."""
    import keyring
    import keyring.errors

    try:
        keyring.delete_password(SERVICE, keyring_account(url))
    except keyring.errors.KeyringError:  # PasswordDeleteError (none kept) is one
        return False
    return True


def with_password(url: URL, prompt: PasswordPrompt | None = None) -> URL:
    """Fill in a PostgreSQL URL's password from the keyring or, failing that, `prompt`."""
    if url.password or not url.drivername.startswith("postgresql") or not url.username:
        return url
    password = lookup_password(url)
    if password is None and prompt is not None:
        password = prompt(keyring_account(url))
    return url.set(password=password) if password else url
