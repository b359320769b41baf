"""Synthetic demo data, asked for like any other change (it writes a whole database's worth)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from app.requests import Request, request

if TYPE_CHECKING:  # the results, named in each request's type (imported only for type checkers: no cycle)
    from app.demo.generate import DemoResult  # noqa: F401



@request("demo.generate")
class GenerateDemo(Request["DemoResult"]):
    accounts: int
    seed: int
    as_of: date
