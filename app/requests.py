"""Typed requests: what an officer (or a batch job) asks the application to change.

Every use case that changes data is asked for with a frozen request naming exactly its
inputs (`MoveOut(period_id=..., end_date=..., as_of=...)`), run through one application
layer (`app.application.Application.execute`) by the desktop and the command line alike.

Requests serialise to JSON and back without loss (`to_json` / `from_json`), with their
registered name and a version number, because the offline court journal stores exactly
these and replays them against the shared database later, possibly after an upgrade. A
request that cannot be read back (unknown name, newer version, a field missing, of the
wrong type or not known) is refused with a `ValidationError` naming the field, never
half-read.

Field types a request may use: str, int, bool, date, UUID, a StrEnum, `X | None`,
`tuple[X, ...]`, another frozen dataclass of such fields, and JSON-shaped
`Mapping[str, Any]` (stored as it is).
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import json
import types
import typing
import uuid
from collections.abc import Callable, Mapping
from datetime import date
from enum import Enum
from typing import Any, ClassVar, Generic, TypeVar, dataclass_transform, get_args, get_origin, get_type_hints

from app.errors import ValidationError
from app.users.roles import Role, require_role

R = TypeVar("R")

JOURNAL_FORMAT = 1  # the envelope's own layout; each request type has its own version too


class Request(Generic[R]):
    """Base of every request. `R` is the typed result `Application.execute` returns.

    Subclasses are declared with `@request("billing.move_out")`, which makes them frozen,
    keyword-only dataclasses and records them under that name.
    """

    name: ClassVar[str] = ""
    version: ClassVar[int] = 1


REGISTRY: dict[str, type[Request[Any]]] = {}

T = TypeVar("T", bound=type[Request[Any]])


@dataclass_transform(frozen_default=True, kw_only_default=True)
def request(name: str, *, version: int = 1) -> typing.Callable[[T], T]:
    """Declare a request type: a frozen, keyword-only dataclass registered under `name`
    (stable: the journal stores it; bump `version` when its fields change meaning)."""

    def register(cls: T) -> T:
        if name in REGISTRY:
            raise TypeError(f"Two requests are named {name!r}.")
        # With slots=True `dataclass` returns a new class; typeshed says type[Request], not T.
        made = typing.cast(T, dataclasses.dataclass(frozen=True, kw_only=True, slots=True)(cls))
        made.name = name
        made.version = version
        REGISTRY[name] = made
        return made

    return register


def shallow_fields(req: Any) -> dict[str, Any]:
    """The request's fields by name, values as they are (not converted): keyword arguments."""
    return {f.name: getattr(req, f.name) for f in dataclasses.fields(req)}


# --- use cases ----------------------------------------------------------------------------

Progress = Callable[[int, int], None]  # (done, total): long work reports as it goes
Cancelled = Callable[[], bool]  # asked between chunks: True stops the work, keeping what was committed

CONTEXT = ("uow", "db", "actor", "settings")  # what the application supplies, in this order
OPTIONS = frozenset({"preview", "progress", "cancelled", "chunk"})  # how to run it, never part of the request


@dataclasses.dataclass(frozen=True)
class UseCase:
    """The use case that carries out one kind of request, and who may ask for it."""

    request: type[Request[Any]]
    function: Callable[..., Any]
    role: Role
    action: str  # "record a move out": completes "... cannot {action}" when the role is missing
    context: tuple[str, ...]  # the leading parameters the application supplies
    options: frozenset[str]  # the run options the function accepts (preview, progress, ...)

    @property
    def batch(self) -> bool:
        """Commits in chunks on its own (given the database, not one unit of work)."""
        return self.context[0] == "db"


USE_CASES: dict[type[Request[Any]], UseCase] = {}

def call(use: UseCase, first: Any, supplied: Mapping[str, Any], arguments: Mapping[str, Any]) -> Any:
    """Run `use` given its first argument (the unit of work, or the database for a batch run),
    the context it declares taken from `supplied` (actor, settings), and its keyword
    arguments: how the application, and a sync replaying a court journal, run a use case."""
    return use.function(first, *[supplied[name] for name in use.context[1:]], **arguments)

F = TypeVar("F", bound=Callable[..., Any])


def handles(request_type: type[Request[Any]], *, role: Role, action: str) -> Callable[[F], F]:
    """Declare that the decorated service function carries out `request_type`, for users
    with at least `role`. The role is checked here, before the function runs, whoever
    calls it (the application layer, a test, another service).

    The function's keyword parameters must be exactly the request's fields (plus the run
    options it supports): checked when the module is imported, so a field added to one and
    not the other fails every test at once rather than at an officer's desk.
    """

    def register(fn: F) -> F:
        parameters = inspect.signature(fn).parameters
        context = tuple(name for name in parameters if name in CONTEXT)
        if "actor" not in context or list(parameters)[: len(context)] != list(context):
            raise TypeError(f"{fn.__qualname__}: a use case starts with (uow or db, actor[, settings]).")
        inputs = {name: p for name, p in parameters.items() if name not in CONTEXT and name not in OPTIONS}
        fields = {f.name for f in dataclasses.fields(request_type)}  # type: ignore[arg-type]
        missing = [n for n, p in inputs.items() if n not in fields and p.default is inspect.Parameter.empty]
        extra = sorted(fields - inputs.keys())
        if missing or extra:
            raise TypeError(f"{fn.__qualname__} and {request_type.__name__} disagree: "
                            f"parameters not in the request {missing}, fields not parameters {extra}.")
        actor_at = context.index("actor")

        @functools.wraps(fn)
        def checked(*args: Any, **kwargs: Any) -> Any:
            actor = args[actor_at] if len(args) > actor_at else kwargs["actor"]
            require_role(actor, role, action)
            return fn(*args, **kwargs)

        if request_type in USE_CASES:
            raise TypeError(f"Two use cases carry out {request_type.__name__}.")
        USE_CASES[request_type] = UseCase(
            request=request_type, function=checked, role=role, action=action, context=context,
            options=frozenset(parameters) & OPTIONS,
        )
        return checked  # type: ignore[return-value]

    return register


# --- JSON -----------------------------------------------------------------------------------


def to_json(req: Request[Any]) -> dict[str, Any]:
    """`{"request": name, "version": n, "fields": {...}}` with dates ISO and UUIDs as text."""
    hints = _hints(type(req))
    return {
        "request": req.name,
        "version": req.version,
        "fields": {f.name: _dump(getattr(req, f.name), hints[f.name]) for f in dataclasses.fields(req)},  # type: ignore[arg-type]
    }


def from_json(data: Mapping[str, Any]) -> Request[Any]:
    """The request `to_json` wrote. ValidationError naming what is wrong otherwise."""
    if not isinstance(data, Mapping):
        raise ValidationError("A stored request must be a JSON object.", field="request")
    name = data.get("request")
    if not isinstance(name, str) or name not in REGISTRY:
        raise ValidationError(f"'{name}' is not a request this version of Revenues Desk knows.", field="request")
    cls = REGISTRY[name]
    fields = data.get("fields")
    if not isinstance(fields, Mapping):
        raise ValidationError(f"The stored {name} request has no fields.", field="fields")
    fields = upcast(name, data.get("version"), fields)
    loaded: Request[Any] = _load_dataclass(cls, fields, name)
    return loaded


def with_changes(data: Mapping[str, Any], changes: Mapping[str, str]) -> dict[str, Any]:
    """The stored request `data` (as `to_json` wrote it, in this version's shape) with some
    fields replaced by values typed as text: a correction made at the command line
    (`court resolve --set amount_pence=5000 --set adjourned_to=2027-01-12`). Each value is
    read as the field's type where it reads as one (text, a date, an id), otherwise as JSON
    (a number, true/false, null, a list). ValidationError naming the field otherwise."""
    request = from_json(data)
    hints = _hints(type(request))
    fields = to_json(request)["fields"]
    for name, text in changes.items():
        if name not in hints or name not in fields:
            raise ValidationError(f"A {request.name} request has no field '{name}' (it has {', '.join(fields)}).",
                                  field=name)
        try:
            value = _load(text, hints[name], f"{request.name}.{name}")
        except ValidationError:
            try:
                parsed = json.loads(text)
            except ValueError:
                raise ValidationError(f"'{text}' is not a value for {name}.", field=name) from None
            value = _load(parsed, hints[name], f"{request.name}.{name}")
        fields[name] = _dump(value, hints[name])
    return {"request": request.name, "version": request.version, "fields": fields}


# --- upcasters: a request stored by an older version, brought to this version's shape ---

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]
UPCASTERS: dict[tuple[str, int], Upcaster] = {}


def upcaster(name: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
    """Register how the stored fields of a `name` request of `from_version` become those of
    `from_version + 1`. When a request's fields change meaning its `version` is bumped and an
    upcaster written beside it (in its `requests.py`, plain data like the request), so a court
    journal recorded by the older version is applied as what it meant, never refused or
    misread. Upcasters chain: version 1 -> 2 -> 3."""

    def register(step: Upcaster) -> Upcaster:
        if (name, from_version) in UPCASTERS:
            raise TypeError(f"Two upcasters for {name} version {from_version}.")
        UPCASTERS[(name, from_version)] = step
        return step

    return register


def upcast(name: str, version: object, fields: Mapping[str, Any]) -> dict[str, Any]:
    """`fields` of a stored `name` request of `version`, brought up to the registered
    request's version; ValidationError for a newer version, or an older one with no way up."""
    current = REGISTRY[name].version
    if not isinstance(version, int) or isinstance(version, bool) or version > current or version < 1:
        raise ValidationError(
            f"The stored {name} request is version {version}; this version of Revenues Desk reads version "
            f"{current}.", field="version",
        )
    shaped = dict(fields)
    while version < current:
        step = UPCASTERS.get((name, version))
        if step is None:
            raise ValidationError(f"The stored {name} request is version {version}, and this version of Revenues Desk "
                                  f"(version {current}) has no way to read it.", field="version")
        shaped, version = step(shaped), version + 1
    return shaped


def _hints(cls: type) -> dict[str, Any]:
    return get_type_hints(cls)


def _dump(value: Any, hint: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, Enum):  # a text enumeration by value, others by name (stable if reordered)
        return value.value if isinstance(value, str) else value.name
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        hints = _hints(type(value))
        return {f.name: _dump(getattr(value, f.name), hints[f.name]) for f in dataclasses.fields(value)}
    if isinstance(value, tuple):
        item = _item_type(hint)
        return [_dump(v, item) for v in value]
    if isinstance(value, Mapping):
        return _json_value(value, "mapping")
    raise TypeError(f"A request cannot hold {type(value).__name__} values.")


def _item_type(hint: Any) -> Any:
    for option in _options(hint):
        if get_origin(option) is tuple:
            return get_args(option)[0]
    return Any


def _options(hint: Any) -> tuple[Any, ...]:
    if get_origin(hint) in (typing.Union, types.UnionType):
        return get_args(hint)
    return (hint,)


def _load_dataclass(cls: type, fields: Mapping[str, Any], where: str) -> Any:
    hints = _hints(cls)
    known = {f.name: f for f in dataclasses.fields(cls)}
    for key in fields:
        if key not in known:
            raise ValidationError(f"The stored {where} has a field '{key}' this version does not know.", field=key)
    values: dict[str, Any] = {}
    for name, f in known.items():
        if name not in fields:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise ValidationError(f"The stored {where} lacks its '{name}'.", field=name)
            continue
        values[name] = _load(fields[name], hints[name], f"{where}.{name}")
    return cls(**values)


def _load(value: Any, hint: Any, where: str) -> Any:
    options = _options(hint)
    if value is None:
        if type(None) in options:
            return None
        raise ValidationError(f"{where} may not be empty.", field=where.rpartition(".")[2])
    errors: list[str] = []
    for option in (o for o in options if o is not type(None)):
        try:
            return _load_one(value, option, where)
        except (ValueError, TypeError, KeyError) as exc:
            errors.append(str(exc))
    raise ValidationError(f"{where}: {'; '.join(errors)}.", field=where.rpartition(".")[2])


def _load_one(value: Any, hint: Any, where: str) -> Any:
    origin = get_origin(hint)
    if hint is Any:
        return _json_value(value, where)
    if origin is tuple:
        if not isinstance(value, list):
            raise TypeError("expected a list")
        return tuple(_load(v, get_args(hint)[0], where) for v in value)
    if origin is not None and isinstance(origin, type) and issubclass(origin, Mapping):
        if not isinstance(value, dict):
            raise TypeError("expected an object")
        return _json_value(value, where)
    if isinstance(hint, type):
        if issubclass(hint, bool):
            if isinstance(value, bool):
                return value
            raise TypeError("expected true or false")
        if issubclass(hint, Enum):
            return hint(value) if issubclass(hint, str) else hint[value]
        if issubclass(hint, int):
            if isinstance(value, int) and not isinstance(value, bool):
                return value
            raise TypeError("expected a whole number")
        if issubclass(hint, str):
            if isinstance(value, str):
                return value
            raise TypeError("expected text")
        if issubclass(hint, date):
            if not isinstance(value, str):
                raise TypeError("expected a date")
            return date.fromisoformat(value)
        if issubclass(hint, uuid.UUID):
            if not isinstance(value, str):
                raise TypeError("expected an id")
            return uuid.UUID(value)
        if dataclasses.is_dataclass(hint):
            if not isinstance(value, dict):
                raise TypeError("expected an object")
            return _load_dataclass(hint, value, where)
    raise TypeError(f"cannot read a {hint!r}")


def _json_value(value: Any, where: str) -> Any:
    """JSON-shaped data kept as it is (checked to be JSON: no dates, sets or floats of money)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Mapping):
        return {str(k): _json_value(v, where) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_value(v, where) for v in value]
    raise TypeError(f"{where} holds a {type(value).__name__}, which is not JSON")
