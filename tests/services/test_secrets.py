"""Database passwords come from the keyring or a prompt, never from a file."""

import keyring
from keyring.backends.fail import Keyring as NoKeyring
from sqlalchemy.engine import make_url

from app.secrets import keyring_account, lookup_password, store_password, with_password

URL = make_url("postgresql+psycopg://revenues@db.council.local:5432/revdesk")


def test_password_from_keyring() -> None:
    assert store_password(URL, "s3cret")
    assert keyring_account(URL) == "revenues@db.council.local:5432/revdesk"
    assert with_password(URL).password == "s3cret"


def test_prompt_when_keyring_has_nothing() -> None:
    asked: list[str] = []
    filled = with_password(URL, prompt=lambda account: asked.append(account) or "typed")
    assert filled.password == "typed" and asked == ["revenues@db.council.local:5432/revdesk"]
    assert lookup_password(URL) is None  # a typed password is not stored


def test_no_usable_keyring_never_falls_back_to_a_file() -> None:
    keyring.set_keyring(NoKeyring())
    assert not store_password(URL, "s3cret")
    assert lookup_password(URL) is None
    assert with_password(URL).password is None
    assert with_password(URL, prompt=lambda _: "typed").password == "typed"


def test_sqlite_and_explicit_passwords_untouched() -> None:
    assert with_password(make_url("sqlite:///x.db"), prompt=lambda _: "no") == make_url("sqlite:///x.db")
    explicit = make_url("postgresql+psycopg://u:given@h/d")
    assert with_password(explicit).password == "given"
