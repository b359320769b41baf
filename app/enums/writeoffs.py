"""Write-offs: what a `write_off` row may say."""

from __future__ import annotations

from enum import StrEnum


class WriteOffStatus(StrEnum):
    """`write_off.status`: proposed by one officer, approved or rejected by another; an
    approved write-off may be written back (app.writeoffs)."""

    PROPOSED = "proposed"
    APPROVED = "approved"
    REJECTED = "rejected"
    WRITTEN_BACK = "written_back"
