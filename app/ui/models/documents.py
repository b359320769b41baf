"""The account's letters (batch or single), newest first: the Documents tab's table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from app.letters.documents import DocumentInfo
from app.rules.apportionment import year_label
from app.ui.models.base import Column, DtoTableModel, date_column, text_column


def template_title(name: str) -> str:
    """`writeoff_notification` -> "Writeoff notification": a template's name as words."""
    return name.replace("_", " ").capitalize()


def made_by(doc: DocumentInfo) -> str:
    return "Batch run" if doc.batch_run_id is not None else "Written singly"


class DocumentsModel(DtoTableModel):
    COL_DATE = 0
    COL_LETTER = 1
    COL_YEAR = 2
    COL_VERSION = 3
    COL_MADE = 4
    COL_FILE = 5

    COLUMNS: ClassVar[Sequence[Column]] = (
        date_column("Date", lambda d: d.issued_on),
        text_column("Template", lambda d: template_title(d.template)),
        text_column("Year", lambda d: year_label(d.financial_year) if d.financial_year else ""),
        text_column("Version", lambda d: d.template_version),
        text_column("Made by", made_by),
        text_column("File", lambda d: d.file_name, tooltip=True),
    )

    def row(self, source_row: int) -> DocumentInfo:
        doc: DocumentInfo = self._rows[source_row]
        return doc
