"""Recovery holds: breathing space (SI 2020/1311: 60 days standard; mental health crisis until
lifted), other holds until lifted, "in force" from start to end inclusive, everything audited."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from app.accounts.summary import get_account_id
from app.bootstrap import AppContext
from app.errors import Conflict, ValidationError
from app.models import AuditEvent
from app.recovery import holds
from tests.services.helpers import load_examples
from tests.services.money_helpers import OFFICER

AS_OF = date(2025, 7, 1)


@pytest.fixture
def loaded(ctx: AppContext, examples: Path) -> AppContext:
    load_examples(ctx, examples)
    return ctx


def add(ctx: AppContext, **kw: object) -> holds.HoldView:
    values: dict[str, object] = {"account_ref": "70000003", "kind": "breathing_space", "reason": "Debt adviser notice",
                                 "start_date": date(2025, 7, 1), "as_of": AS_OF}
    values.update(kw)
    with ctx.db.uow() as uow:
        return holds.add_hold(uow, OFFICER, ctx.settings, **values)  # type: ignore[arg-type]


def test_standard_breathing_space_lasts_60_days_inclusive(loaded: AppContext) -> None:
    view = add(loaded)
    assert view.end_date == date(2025, 7, 1) + timedelta(days=59)  # SI 2020/1311: 60 days beginning with the start
    assert view.in_force_on(date(2025, 7, 1)) and view.in_force_on(date(2025, 8, 29))
    assert not view.in_force_on(date(2025, 8, 30)) and not view.in_force_on(date(2025, 6, 30))
    with loaded.db.uow() as uow:
        account_id = get_account_id(uow, "70000003")
        assert [h.hold_id for h in holds.active_holds(uow, account_id, date(2025, 8, 29))] == [view.hold_id]
        assert holds.active_holds(uow, account_id, date(2025, 8, 30)) == []
        event = uow.session.scalars(select(AuditEvent).where(AuditEvent.entity_id == view.hold_id)).one()
    assert event.action == "hold.added" and event.username == "olivia" and event.after["end_date"] == "2025-08-29"


def test_mental_health_crisis_and_other_holds_are_open_ended(loaded: AppContext) -> None:
    crisis = add(loaded, kind="breathing_space_mental_health")
    dispute = add(loaded, account_ref="70000004", kind="dispute", reason="Disputes liability")
    assert crisis.end_date is None and dispute.end_date is None
    assert crisis.in_force_on(date(2030, 1, 1))
    given = add(loaded, account_ref="70000001", end_date=date(2025, 7, 31))
    assert given.end_date == date(2025, 7, 31)


@pytest.mark.parametrize(("kw", "field"), [
    ({"kind": "holiday"}, "kind"),
    ({"reason": "  "}, "reason"),
    ({"kind": "dispute", "end_date": date(2025, 6, 1)}, "end_date"),
])
def test_bad_input_names_the_field(loaded: AppContext, kw: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as err:
        add(loaded, **kw)
    assert err.value.field == field


def test_overlapping_hold_of_the_same_kind_is_refused(loaded: AppContext) -> None:
    add(loaded)
    with pytest.raises(Conflict, match="already has a hold"):
        add(loaded, start_date=date(2025, 8, 1))
    add(loaded, start_date=date(2025, 9, 1))  # after the first ended


def test_lift_ends_the_hold_once_and_is_audited(loaded: AppContext) -> None:
    view = add(loaded, kind="dispute", reason="Disputes band")
    with loaded.db.uow() as uow:
        with pytest.raises(ValidationError) as err:
            holds.lift_hold(uow, OFFICER, hold_id=view.hold_id, end_date=date(2025, 6, 1), reason="x", as_of=AS_OF)
        assert err.value.field == "end_date"
    with loaded.db.uow() as uow:
        lifted = holds.lift_hold(uow, OFFICER, hold_id=view.hold_id, end_date=date(2025, 7, 20), reason="Resolved",
                                 as_of=date(2025, 7, 20))
    assert (lifted.end_date, lifted.lifted_by) == (date(2025, 7, 20), "olivia")
    with loaded.db.uow() as uow:
        with pytest.raises(Conflict, match="already lifted"):
            holds.lift_hold(uow, OFFICER, hold_id=view.hold_id, end_date=date(2025, 7, 25), reason="again", as_of=AS_OF)
        actions = uow.session.scalars(
            select(AuditEvent.action).where(AuditEvent.entity_id == view.hold_id).order_by(AuditEvent.at)
        ).all()
        assert list(actions) == ["hold.added", "hold.lifted"]
        assert [h.account_ref for h in holds.list_holds(uow, active_on=date(2025, 7, 21))] == []
        assert [h.hold_id for h in holds.list_holds(uow, account_ref="70000003")] == [view.hold_id]


def test_breathing_space_can_be_cancelled_early(loaded: AppContext) -> None:
    view = add(loaded)
    with loaded.db.uow() as uow:
        lifted = holds.lift_hold(uow, OFFICER, hold_id=view.hold_id, end_date=date(2025, 7, 10), reason="Cancelled by adviser",
                                 as_of=date(2025, 7, 10))
    assert lifted.end_date == date(2025, 7, 10)
