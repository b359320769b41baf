"""Database passwords live in the OS keyring, never in files or logs.

Where the machine has no usable keyring the caller is asked to prompt for the password
(and it is used for this session only). Nothing is ever written to disk in plain text.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.engine import URL

from app.errors import DatabaseUnavailable

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


# --- the court pack key -------------------------------------------------------------------

PACK_KEY_ENV = "REVDESK_PACK_KEY"
PACK_KEY_ENTRY = "court-pack-key"  # the keyring entry (service SERVICE) holding this computer's pack key
NO_PACK_KEY = (
    "No keyring is usable on this computer to hold the court pack key: set REVDESK_PACK_KEY to the key "
    "(64 hex digits) for this session."
)


class PackKeyUnavailable(DatabaseUnavailable):
    """No key for court packs: no usable keyring and no REVDESK_PACK_KEY (a sentence to show)."""


class NoKeyringForPackKey(PackKeyUnavailable):
    """No keyring is usable on this computer (and REVDESK_PACK_KEY is not set)."""


def pack_key(*, create: bool) -> bytes:
    """The 256-bit key court packs are encrypted with on this computer.

    REVDESK_PACK_KEY (64 hex digits), where set, is used as it is: for machines with no usable
    keyring (a server, CI); it is read from the environment only, never written anywhere.
    Otherwise the key is the keyring's entry, made (random) when the first pack is made
    (`create`). The key is never part of a message."""
    import os
    import secrets

    given = os.environ.get(PACK_KEY_ENV)
    if given is not None:
        try:
            key = bytes.fromhex(given.strip())
        except ValueError:
            key = b""
        if len(key) != 32:
            raise PackKeyUnavailable(f"{PACK_KEY_ENV} must be 64 hex digits (a 256-bit key).")
        return key
    import keyring
    import keyring.errors

    try:
        stored = keyring.get_password(SERVICE, PACK_KEY_ENTRY)
        if stored is None:
            if not create:
                raise PackKeyUnavailable(
                    "This computer's keyring holds no court pack key, so no court pack made here can be opened: "
                    f"open it on the computer that made it, or set {PACK_KEY_ENV}."
                )
            stored = secrets.token_hex(32)
            keyring.set_password(SERVICE, PACK_KEY_ENTRY, stored)
    except keyring.errors.KeyringError:
        raise NoKeyringForPackKey(NO_PACK_KEY) from None
    return bytes.fromhex(stored)
