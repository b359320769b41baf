"""Set-up shared by the worklist, escalation and notes tests: the example accounts, the
diary codes synced from the settings, and users with roles and teams."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

from app.bootstrap import AppContext
from app.casework.diary import DiaryView, add_entry
from app.casework.diary_codes import sync_diary_codes
from app.users.roles import Actor, Role
from tests.conftest import register_users
from tests.services.helpers import load_examples

AS_OF = date(2025, 6, 30)
OFFICER = Actor("olivia", Role.OFFICER, team="Recovery")
OFFICER_2 = Actor("oscar", Role.OFFICER, team="Recovery")
LEADER = Actor("tom", Role.TEAM_LEADER, team="Recovery")
LEADER_2 = Actor("priya", Role.TEAM_LEADER, team="Recovery")
MANAGER = Actor("mona", Role.MANAGER, team="Recovery")
REFS = ("70000001", "70000002", "70000003", "70000004", "70000005")


def set_up(ctx: AppContext, examples: Path) -> AppContext:
    load_examples(ctx, examples)
    with ctx.db.uow() as uow:
        sync_diary_codes(uow, ctx.settings)
    register_users(ctx, (OFFICER, OFFICER_2, LEADER, LEADER_2, MANAGER))
    return ctx


def diary(ctx: AppContext, ref: str = "70000001", code: str = "CORR", due: date | None = None,
          actor: Actor = OFFICER, **kw: object) -> DiaryView:
    with ctx.db.uow() as uow:
        return add_entry(uow, actor, account_ref=ref, code=code, as_of=kw.pop("as_of", AS_OF), due=due, **kw)  # type: ignore[arg-type]


def ids(views: list[DiaryView]) -> list[uuid.UUID]:
    return [v.diary_id for v in views]
