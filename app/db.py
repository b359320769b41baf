"""Engine factory, unit of work and schema upgrade.

One composition point builds engines for both databases: SQLite (embedded default: WAL,
foreign keys on) and PostgreSQL (shared, psycopg 3). Services receive a `UnitOfWork`;
it commits only when asked and rolls back otherwise, so a failed use case leaves nothing
half-written.
"""

from __future__ import annotations

import functools
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Self, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from app.errors import Conflict, ConnectionLost, DatabaseUnavailable, NotAllowed
from app.paths import MIGRATIONS
from app.secrets import PasswordPrompt, keyring_account, with_password


@dataclass(frozen=True)
class Database:
    """An engine and its session factory: what services and workers need to start a unit of work."""

    engine: Engine
    sessions: sessionmaker[Session]

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def url(self) -> URL:
        return self.engine.url

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.sessions)

    def ping(self) -> None:
        """One round trip on a pooled connection; ConnectionLost if the database does not answer."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except DBAPIError as exc:
            raise_if_lost(exc)
            raise

    def dispose(self) -> None:
        self.engine.dispose()


T = TypeVar("T")
IN_LIST_SIZE = 900  # values bound per IN (...): under SQLite's historical limit of 999 variables


def in_batches(values: Sequence[T], size: int = IN_LIST_SIZE) -> Iterator[Sequence[T]]:
    """`values` in slices small enough to bind as one IN (...) list on either database."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


SQLITE_MMAP_BYTES = 1 << 30  # type-ahead and account opening read through memory-mapped pages
SQLITE_CACHE_KIB = 65_536  # the page cache every connection gets (PRAGMA cache_size=-KiB)
SQLITE_BULK_CACHE_KIB = 262_144  # while a bulk import's one transaction is open


@contextmanager
def batch_reading(uow: UnitOfWork) -> Iterator[None]:
    """Within a batch run's chunk, read SQLite through its bounded page cache, not a memory map.

    A run reads the whole database once; memory-mapped pages it touches count in the
    process's resident memory (up to the 1 GB map), while the page cache is capped at
    64 MB. The map is restored afterwards for the interactive work that benefits from it.
    """
    if uow.dialect != "sqlite":
        yield
        return
    connection = uow.session.connection()
    connection.exec_driver_sql("PRAGMA mmap_size=0")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")


@contextmanager
def bulk_writing(uow: UnitOfWork) -> Iterator[None]:
    """Give SQLite a 256 MB page cache while a bulk import writes its one transaction.

    A payment file touches index pages all over a large database (ledger, payment and
    audit rows of accounts spread across it); with the everyday 64 MB cache SQLite spills
    dirty pages to the WAL mid-transaction and reads them again. 100,000 payments into
    1,000,000 accounts: ~2.5 s of ~23 s. Restored afterwards (the commit happens inside).
    """
    if uow.dialect != "sqlite":
        yield
        return
    # The setting belongs to the driver connection, which outlives the commit inside (the
    # session hands it back to the pool), so it is set and restored on that connection.
    driver = uow.session.connection().connection.dbapi_connection
    assert driver is not None
    driver.execute(f"PRAGMA cache_size=-{SQLITE_BULK_CACHE_KIB}")
    try:
        yield
    finally:
        driver.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")


def _sqlite_pragmas(dbapi_connection, _record, journal: str = "WAL", synchronous: str = "NORMAL") -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA journal_mode={journal}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA synchronous={synchronous}")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
    cursor.close()


def describe(url: URL) -> str:
    """A URL safe to show a person (no password)."""
    return url.render_as_string(hide_password=True)


def make_database(url: str | URL, prompt: PasswordPrompt | None = None, echo: bool = False) -> Database:
    """Build the engine for `url`; check it can be reached. Raises DatabaseUnavailable.

    A PostgreSQL password comes from the URL, else the keyring, else `prompt`, and the
    prompt only when the server has asked for one."""
    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except ArgumentError:
        raise DatabaseUnavailable(f"'{url}' is not a database URL (expected sqlite:///FILE or postgresql://...).") from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    given: URL | None = None
    if parsed.drivername.startswith("sqlite"):
        if parsed.database and parsed.database != ":memory:":
            folder = Path(parsed.database).expanduser().resolve().parent
            if not folder.is_dir():
                raise DatabaseUnavailable(f"The folder {folder} for the database file does not exist.")
        engine = create_engine(parsed, echo=echo)
        event.listen(engine, "connect", _sqlite_pragmas)
    elif parsed.drivername.startswith("postgresql"):
        given = parsed
        parsed = with_password(parsed)  # the keyring's, if it holds one; asked for below only if needed
        # No pre-ping: it is a round trip on every unit of work, a tenth of a type-ahead
        # search's time. A connection the server dropped fails its first statement; the
        # pool then discards it (SQLAlchemy invalidates on disconnect errors) and the next
        # unit of work connects afresh. Connections are also renewed every half hour.
        # TCP keepalives and a user timeout: a network that drops without a reset (cable,
        # VPN) fails a waiting statement in about 20 s, which raises the lost-connection
        # banner, instead of blocking a worker for the kernel's quarter of an hour.
        engine = create_engine(
            parsed, echo=echo, pool_recycle=1800,
            connect_args={"connect_timeout": 5, "keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5,
                          "keepalives_count": 3, "tcp_user_timeout": 20_000},
        )
    else:
        raise DatabaseUnavailable(f"Revenues Desk works with SQLite or PostgreSQL, not '{parsed.drivername}'.")
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except (OperationalError, DBAPIError) as exc:
        engine.dispose()
        from_keyring = given is not None and not given.password and bool(parsed.password)
        if prompt is not None and (
            (not parsed.password and password_required(exc)) or (from_keyring and password_refused(exc))
        ):
            typed = parsed.set(password=prompt(keyring_account(parsed)) or None)
            if typed.password:
                return make_database(typed, None, echo)  # one more try; a wrong password is not asked again
        if "is not permitted to log in" in _driver_message(exc):
            raise DatabaseUnavailable(
                f"The login {parsed.username} is disabled on the server at {parsed.host}: ask a Revenues Desk "
                f"administrator to enable it (revdesk user enable {parsed.username})."
            ) from None
        raise DatabaseUnavailable(f"Cannot reach the database at {describe(parsed)}: {first_line(exc)}.") from None
    return Database(engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))


def make_pack_database(path: str | Path, key: bytes) -> Database:
    """An offline court pack: an SQLite file encrypted by SQLCipher, with the same schema.

    The 256-bit key is given raw (`PRAGMA key = "x'...'"`), so no passphrase is derived
    (SQLCipher's derivation costs ~130 ms a connection), and it is set in the connect event,
    first, never in the URL, a log or an exception. One connection serves the whole run
    (StaticPool). The file keeps a rollback journal rather than a WAL, so the pack is always
    exactly one file (a copy of it is complete) and each commit is on disk (synchronous FULL).
    Raises DatabaseUnavailable, in one sentence, when the file cannot be read with this key.
    """
    from sqlalchemy.pool import StaticPool
    from sqlcipher3 import dbapi2 as sqlcipher

    if len(key) != 32:
        raise ValueError("A court pack key is 32 bytes.")
    file = Path(path).expanduser().resolve()
    if not file.parent.is_dir():
        raise DatabaseUnavailable(f"The folder {file.parent} for the court pack does not exist.")
    engine = create_engine(URL.create("sqlite", database=str(file)), module=sqlcipher, poolclass=StaticPool,
                           connect_args={"check_same_thread": False})
    raw = f"PRAGMA key = \"x'{key.hex()}'\""

    def set_key(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.execute("PRAGMA cipher_log_level = NONE")  # a wrong key is our sentence, not SQLCipher's log
        dbapi_connection.execute(raw)

    event.listen(engine, "connect", set_key, insert=True)
    event.listen(engine, "connect", functools.partial(_sqlite_pragmas, journal="DELETE", synchronous="FULL"))
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()
            damaged = conn.exec_driver_sql("PRAGMA quick_check").scalar() != "ok"
    except DBAPIError:
        engine.dispose()
        raise DatabaseUnavailable(
            f"{file.name} cannot be opened as a court pack: the key is not the one it was made with, or the file "
            "is not a court pack or is damaged; the file was not changed."
        ) from None
    if damaged:
        engine.dispose()
        raise DatabaseUnavailable(f"{file.name} is a damaged court pack (its pages do not check); the file was not changed.")
    return Database(engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))


def write_encrypted_copy(source: str | Path, target: str | Path, key: bytes) -> None:
    """Copy the plain SQLite file `source` (schema and rows) into a new SQLCipher file
    `target` encrypted with the raw 256-bit `key` (SQLCipher's sqlcipher_export): how a pack
    gets the migrated schema without running every migration again. The key is bound as a
    parameter, never part of the statement's text."""
    from sqlcipher3 import dbapi2 as sqlcipher

    conn = sqlcipher.connect(str(source), isolation_level=None)
    try:
        conn.execute("ATTACH DATABASE ? AS pack KEY ?", (str(target), f"x'{key.hex()}'"))
        conn.execute("PRAGMA pack.journal_mode=OFF")  # a new file: nothing to roll back to
        conn.execute("PRAGMA pack.synchronous=OFF")  # the pack's first transaction syncs it
        conn.execute("SELECT sqlcipher_export('pack')")
        conn.execute("DETACH DATABASE pack")
    finally:
        conn.close()


def first_line(exc: BaseException) -> str:
    """The driver's message, first line, without its full stop (to quote inside a sentence)."""
    original = getattr(exc, "orig", None) or exc
    return str(original).strip().splitlines()[0].rstrip(".") if str(original).strip() else type(original).__name__


def _driver_message(exc: BaseException) -> str:
    """Every line of the driver's message: libpq reports each address it tried on its own line."""
    return str(getattr(exc, "orig", None) or exc)


def password_required(exc: BaseException) -> bool:
    """The server wants a password and none was given (libpq's own wording). Servers that
    trust the machine or use certificates never ask, so neither does Revenues Desk."""
    return "no password supplied" in _driver_message(exc)


def password_refused(exc: BaseException) -> bool:
    """The server turned the password down (e.g. the keyring's, after a password change)."""
    return "password authentication failed" in _driver_message(exc)


def connection_lost(exc: BaseException) -> bool:
    """Whether `exc` means the database stopped answering, not that it refused something.

    SQLAlchemy marks a connection it had to throw away (`connection_invalidated`); a
    connection that cannot be made at all is a driver OperationalError without a SQLSTATE
    (the server sends one with every error it raises itself, such as a deadlock).
    """
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    driver_error = exc.orig  # checked by module, so an embedded start never imports psycopg
    return (
        isinstance(exc, OperationalError)
        and type(driver_error).__module__.startswith("psycopg")
        and getattr(driver_error, "sqlstate", "") is None
    )


def raise_if_lost(exc: BaseException, *, saving: bool = False) -> None:
    """Raise ConnectionLost (caused by `exc`) when `exc` means the database stopped answering.

    `saving`: lost during a commit, which leaves the outcome unknown (the server may have
    committed before the line dropped), and the officer is told exactly that."""
    if not connection_lost(exc):
        return
    if saving:
        raise ConnectionLost(
            f"The connection to the database was lost while saving ({first_line(exc)}); it may or may "
            "not have been saved, so check the account before doing it again."
        ) from exc
    raise ConnectionLost(
        f"The connection to the database was lost ({first_line(exc)}); what you were doing was not "
        "completed and Revenues Desk will reconnect when it can."
    ) from exc


# --- losing a race: one Conflict, one sentence --------------------------------------------

STALE = "changed by someone else since you opened it: reload it and try again."
SAME_MOMENT = "saved by someone else at the same moment: reload it and try again."
# Unique indexes whose loss has a sentence of its own: index name -> (the columns SQLite
# names when it refuses a row, "table.column, ..."; the sentence).
UNIQUE_CONFLICTS: dict[str, tuple[str, str]] = {
    "uq_arrangement_one_live": (
        "arrangement.account_id",
        "An arrangement was agreed on this account by someone else a moment ago: reload the account.",
    ),
}
# PostgreSQL's SQLSTATEs for losing to another transaction: unique_violation, deadlock_detected,
# serialization_failure. SQLite reports a unique or primary key loss by its extended code.
PG_UNIQUE, PG_DEADLOCK, PG_SERIALIZATION = "23505", "40P01", "40001"
SQLITE_UNIQUE = ("SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY")


def unique_violation(exc: BaseException) -> str | None:
    """For an IntegrityError that broke a unique key (or primary key): the name of the index
    where the driver says it ("" where it does not); None for any other error (a CHECK, a
    foreign key, NOT NULL), which is a fault to report as it is, not a race lost."""
    if not isinstance(exc, IntegrityError):
        return None
    driver_error = exc.orig
    if getattr(driver_error, "sqlstate", None) == PG_UNIQUE:
        diag = getattr(driver_error, "diag", None)
        return getattr(diag, "constraint_name", None) or ""
    if getattr(driver_error, "sqlite_errorname", None) in SQLITE_UNIQUE:
        message = str(driver_error)
        for name, (columns, _) in UNIQUE_CONFLICTS.items():
            if message.endswith(f"failed: {columns}") or f"index '{name}'" in message:
                return name
        return ""
    return None


def as_conflict(exc: BaseException, what: str | None = None) -> Conflict | None:
    """The Conflict a lost race becomes (None if `exc` is not one): a versioned row someone
    else saved first (StaleDataError), a unique key someone else took at the same moment,
    or, on PostgreSQL, a deadlock or serialisation failure the server broke. `what` names the
    record ("Payment P1"); without it the sentence speaks of the record in general."""
    subject = what or "The record"
    if isinstance(exc, StaleDataError):
        return Conflict(f"{subject} was {STALE}")
    name = unique_violation(exc)
    if name is not None:
        if name in UNIQUE_CONFLICTS:
            return Conflict(UNIQUE_CONFLICTS[name][1])
        return Conflict(f"{subject} was {SAME_MOMENT}")
    if isinstance(exc, DBAPIError) and getattr(exc.orig, "sqlstate", None) in (PG_DEADLOCK, PG_SERIALIZATION):
        return Conflict(f"{subject} was being changed by someone else at the same moment: reload it and try again.")
    return None


PG_INSUFFICIENT_PRIVILEGE = "42501"


def raise_if_refused(exc: BaseException) -> None:
    """NotAllowed, in one sentence, when the server refused this login a privilege: the
    database's own least-privilege grants (`app.adapters.server_roles`) stopped something
    the application tried. Nothing was written (the unit of work rolled back)."""
    if isinstance(exc, DBAPIError) and getattr(exc.orig, "sqlstate", None) == PG_INSUFFICIENT_PRIVILEGE:
        raise NotAllowed(
            f"The database server refused this to your login ({first_line(exc)}); nothing was saved. If it "
            "should be allowed, ask whoever looks after the server to run `revdesk db upgrade` as the owner login."
        ) from exc


class UnitOfWork:
    """One transaction: `with db.uow() as uow: ...; uow.commit()`. Rolls back unless committed.

    Losing a race to another officer, wherever in the block it shows (a flush, an
    autoflush inside a query, the commit), leaves the block as one `Conflict` with a
    sentence (`as_conflict`), never as SQLAlchemy's StaleDataError or IntegrityError.
    """

    session: Session

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def __enter__(self) -> Self:
        self.session = self._sessions()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            self.session.close()  # rolls back whatever was not committed; loaded objects stay readable
        except DBAPIError as close_failed:
            if exc is None:  # otherwise the error that ended the block is the one to report
                raise_if_lost(close_failed)
                raise
        if exc is not None:
            raise_if_lost(exc)
            conflict = as_conflict(exc)
            if conflict is not None:
                raise conflict from exc
            raise_if_refused(exc)

    def flush(self, what: str | None = None) -> None:
        """Write what the session holds so far; a lost race rolls back and raises Conflict."""
        try:
            self.session.flush()
        except (StaleDataError, DBAPIError) as exc:
            self._lost(exc, what, saving=False)
            raise

    def commit(self, what: str | None = None) -> None:
        try:
            self.session.commit()
        except (StaleDataError, DBAPIError) as exc:
            self._lost(exc, what, saving=True)
            raise

    def _lost(self, exc: StaleDataError | DBAPIError, what: str | None, *, saving: bool) -> None:
        """Raise ConnectionLost or Conflict for `exc` when it is one (the caller re-raises otherwise)."""
        raise_if_lost(exc, saving=saving)
        conflict = as_conflict(exc, what)
        if conflict is not None:
            self.rollback()
            raise conflict from exc

    def rollback(self) -> None:
        self.session.rollback()

    @property
    def dialect(self) -> str:
        return self.session.get_bind().dialect.name


# --- schema --------------------------------------------------------------------------

def alembic_config(db: Database):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = db.engine
    return cfg


def current_revision(db: Database) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision(db: Database) -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(db)).get_current_head()


# The newest migration. Every start compares the database's alembic_version with this
# instead of loading Alembic and every migration script (a fifth of the two-second start
# budget); tests/services/test_schema.py checks that it is Alembic's head.
SCHEMA_HEAD = "0018"


def _stored_revision(db: Database) -> str | None:
    """alembic_version's row, or None on a database without one (new, or not ours)."""
    try:
        with db.engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DBAPIError:
        return None


def upgrade(db: Database, backup: bool = True, *, privileges: bool = False) -> bool:
    """Bring the schema to the newest revision. Returns True if anything was applied.

    Only runs when behind. An existing SQLite file is copied first (revdesk.db.bak-<time>),
    so a failed migration never costs a council its data. On PostgreSQL only the schema's
    owner may migrate (anyone else is told who must), and after migrating, or whenever
    `privileges` asks (`revdesk db upgrade`), the group roles and grants are set again
    (`app.adapters.server_roles`), so new tables are never left open or closed.
    """
    applied = _migrate(db, backup)
    if db.dialect == "postgresql" and (applied or privileges):
        from app.adapters import server_roles  # imports this module: imported when needed

        with db.engine.begin() as conn:
            _require_owner(conn, "set its roles and privileges")
            server_roles.grant_privileges(conn)
    return applied


def _migrate(db: Database, backup: bool) -> bool:
    if _stored_revision(db) == SCHEMA_HEAD:
        return False
    from alembic import command

    if current_revision(db) == head_revision(db):
        return False
    if db.dialect == "postgresql":
        with db.engine.connect() as conn:
            _require_owner(conn, f"upgrade its schema to revision {SCHEMA_HEAD}")
    if backup and db.dialect == "sqlite" and _has_tables(db):
        path = db.url.database
        if path and path != ":memory:" and Path(path).exists():
            db.engine.dispose()
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")  # clock-ok: a file name, not a rule
            shutil.copy2(path, f"{path}.bak-{stamp}")
    command.upgrade(alembic_config(db), "head")
    return True


def _require_owner(conn: Connection, what: str) -> None:
    """NotAllowed, naming the owner, unless this login owns the schema (or it is new)."""
    from app.adapters import server_roles

    if not server_roles.owns_schema(conn):
        owner = server_roles.schema_owner(conn)
        raise NotAllowed(
            f"Only the login that owns this database's tables ({owner}) may {what}; you are signed in as "
            f"{server_roles.session_login(conn)}: ask whoever looks after the server to run `revdesk db upgrade`."
        )


SEARCH_INDEX_OBJECTS = {
    "account_fts", "ix_account_search_trgm", "account_search_word", "ix_account_search_pairs",
    "ix_account_search_vector", "search_vector",  # 0007, dropped by 0008 (still named for downgrades)
}


def include_object(obj, name, type_, reflected, compare_to) -> bool:  # type: ignore[no-untyped-def]
    """Alembic comparison filter: the hand-made search index objects are not in the models."""
    return not (name in SEARCH_INDEX_OBJECTS or (name or "").startswith("account_fts_"))


def _has_tables(db: Database) -> bool:
    return bool(inspect(db.engine).get_table_names())


