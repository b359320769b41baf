"""Billing: what an `instalment_plan` row may say."""

from __future__ import annotations

from enum import StrEnum


class InstalmentPlanStatus(StrEnum):
    """`instalment_plan.status`: a rebill supersedes the plan (kept) with a new active one."""

    ACTIVE = "active"
    SUPERSEDED = "superseded"
