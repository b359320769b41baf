"""Writing a letter from the account: choose a template, see its merge fields filled for
this account, add a free paragraph where the template allows one, and generate it.

The templates and the preview are read on a worker (a template is inspected, the account's
figures are read); the preview is asked for again when the template, the paragraph or the
recipient changes, after a short pause in typing. The service has the last word: a template
the council broke, or one that needs fields an account letter lacks, is named in the banner.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QComboBox, QPlainTextEdit, QWidget

from app.accounts.summary import AccountSummary
from app.letters.catalogue import FREE_PARAGRAPH, TemplateInfo
from app.letters.requests import GenerateLetter
from app.ui.context import UiContext
from app.ui.dialogs.form_dialog import AccountFormDialog
from app.ui.formatting import money, uk_date
from app.ui.models.documents import template_title
from app.ui.widgets import label

PARAGRAPH_MAX = 4000
PREVIEW_PAUSE_MS = 400
FIELD_LABELS = {
    "names": "To", "address_lines": "Address", "postcode": "Postcode", "account_ref": "Account reference",
    "issued_on": "Date", "owed_now_pence": "Owed now", "years": "Years owed", "writeoffs": "Written off",
    "officer": "Signed by", "property_address": "Property", "taxpayer_names": "Taxpayers",
    "last_known_address": "Last known address", "forwarded": "To a forwarding address", "authority": "Council",
    "council": "Council contact block", FREE_PARAGRAPH: "Your paragraph",
}


def field_text(name: str, value: Any) -> str:
    """A merge field's value as the officer reads it (money in pounds, dates UK style)."""
    if name.endswith("_pence") and isinstance(value, int):
        return money(value)
    if name == "issued_on" and isinstance(value, str):
        return uk_date(date.fromisoformat(value))
    if name == "years" and isinstance(value, list):
        return "; ".join(f"{y['year_label']} {money(y['balance_pence'])}" for y in value) or "nothing"
    if name == "writeoffs" and isinstance(value, list):
        return "; ".join(f"{w['year_label']} {money(w['amount_pence'])} ({w['reason']})" for w in value) or "none"
    if name == "council" and isinstance(value, Mapping):
        return ", ".join(str(v) for v in (value.get("phone"), value.get("web")) if v) or "(not set)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def preview_text(info: TemplateInfo, data: Mapping[str, Any]) -> str:
    """One line per merge field the template reads, in the order a letter reads them."""
    order = list(FIELD_LABELS)
    fields = sorted(info.fields, key=lambda f: (order.index(f) if f in order else len(order), f))
    return "\n".join(f"{FIELD_LABELS.get(f, f.replace('_', ' ').capitalize())}: {field_text(f, data.get(f, ''))}"
                     for f in fields)


class WriteLetterDialog(AccountFormDialog):
    TITLE = "Write a letter"
    SAVE_TEXT = "Generate"
    BUSY_TEXT = "Making the letter…"
    DONE_TEXT = "Letter made."
    FAILED_TEXT = "No letter was made."
    MIN_WIDTH = 720

    def __init__(self, ui: UiContext, summary: AccountSummary, parent: QWidget | None = None) -> None:
        self.templates: dict[str, TemplateInfo] = {}
        self.preview_ok = False
        super().__init__(ui, summary, parent)
        self.template = QComboBox()
        self.template.setAccessibleName("Template")
        self.template.setMinimumWidth(360)
        self.template.setEnabled(False)
        self.template.addItem("Reading the templates…", None)
        self.paragraph = QPlainTextEdit()
        self.paragraph.setAccessibleName("Your paragraph")
        self.paragraph.setFixedHeight(96)
        self.paragraph.setTabChangesFocus(True)
        self.recipient = QPlainTextEdit()
        self.recipient.setAccessibleName("Send to someone else")
        self.recipient.setPlaceholderText("Leave empty to write to the taxpayer; else name, then address, one per line")
        self.recipient.setFixedHeight(72)
        self.recipient.setTabChangesFocus(True)
        self.preview = QPlainTextEdit()
        self.preview.setAccessibleName("Merge fields filled for this account")
        self.preview.setReadOnly(True)
        self.preview.setMinimumHeight(200)
        for box in (self.paragraph, self.recipient, self.preview):
            box.setMinimumWidth(500)
        self.add_row("Template", self.template, "template")
        self.add_row("Your paragraph", self.paragraph, "paragraph")
        self.add_row("Send to", self.recipient, "recipient")
        self.form.addRow("Merge fields", self.preview)
        self.form.addRow("", label("The letter is kept on the account exactly as it is made, and listed on the "
                                   "Documents tab.", "muted", wrap=True))
        self._pause = QTimer(self)
        self._pause.setSingleShot(True)
        self._pause.setInterval(PREVIEW_PAUSE_MS)
        self._pause.timeout.connect(self._load_preview)
        self.template.currentIndexChanged.connect(self._template_changed)
        self.paragraph.textChanged.connect(self._pause.start)
        self.recipient.textChanged.connect(self._pause.start)
        app = ui.app
        ui.runner.run(lambda _task: app.account_letter_templates(), on_success=self._templates_loaded,
                      on_failure=self._preview_failed, owner=self, description="letter templates")

    # --- what the form shows ------------------------------------------------------------

    def chosen(self) -> TemplateInfo | None:
        name = self.template.currentData()
        return self.templates.get(name) if isinstance(name, str) else None

    def choose(self, name: str) -> None:
        self.template.setCurrentIndex(max(0, self.template.findData(name)))

    def _templates_loaded(self, infos: list[TemplateInfo]) -> None:
        self.templates = {i.name: i for i in infos}
        self.template.blockSignals(True)
        self.template.clear()
        for info in sorted(infos, key=lambda i: i.name):
            suffix = "  (council's own)" if info.source == "council" else ""
            self.template.addItem(f"{template_title(info.name)}: {info.title}{suffix}", info.name)
        self.template.blockSignals(False)
        self.template.setEnabled(bool(infos))
        if not infos:
            self.preview.setPlainText("There are no templates a letter can be written from an account with.")
        self._template_changed()

    def _template_changed(self, *_args: Any) -> None:
        info = self.chosen()
        allows = bool(info and info.free_paragraph)
        self.paragraph.setEnabled(allows)
        self.paragraph.setPlaceholderText("Your own words, printed in the letter" if allows
                                          else "This template has no free paragraph")
        self._load_preview()

    def _values(self) -> tuple[str, str, tuple[str, ...]]:
        info = self.chosen()
        paragraph = self.paragraph.toPlainText() if info and info.free_paragraph else ""
        recipient = tuple(line for line in self.recipient.toPlainText().splitlines() if line.strip())
        return (info.name if info else ""), paragraph, recipient

    def _load_preview(self) -> None:
        name, paragraph, recipient = self._values()
        self.preview_ok = False
        self._changed()
        if not name:
            return
        self.preview.setPlainText("Filling the merge fields…")
        app, ref, as_of = self._ui.app, self.summary.account_ref, self.as_of
        self._ui.runner.run(
            lambda _task: (name, app.letter_preview(ref, name, as_of, paragraph, recipient)),
            on_success=self._preview_loaded, on_failure=self._preview_failed, owner=self, description="letter preview",
        )

    def _preview_loaded(self, result: tuple[str, tuple[TemplateInfo, dict[str, Any]]]) -> None:
        name, (info, data) = result
        if name != self._values()[0]:
            return  # an answer for a template no longer chosen
        self.preview.setPlainText(preview_text(info, data))
        self.preview_ok = True
        self._changed()

    def _preview_failed(self, exc: BaseException) -> None:
        self.preview.setPlainText("")
        self.preview_ok = False
        self.show_error(exc)

    # --- checks and saving ----------------------------------------------------------------

    def problems(self) -> dict[str, str]:
        found: dict[str, str] = {}
        if self.chosen() is None:
            found["template"] = "Choose a template."
        if len(self.paragraph.toPlainText()) > PARAGRAPH_MAX:
            found["paragraph"] = f"The paragraph is longer than {PARAGRAPH_MAX} characters."
        return found

    def is_valid(self) -> bool:
        return self.preview_ok and super().is_valid()

    def work(self) -> Callable[[], Any]:
        app, ref, as_of = self._ui.app, self.summary.account_ref, self.as_of
        name, paragraph, recipient = self._values()
        return lambda: app.execute(GenerateLetter(account_ref=ref, template=name, as_of=as_of, paragraph=paragraph,
                                                  recipient=recipient))
