"""The Documents tab and "Write a letter…", through real services on the billed examples:
every letter on the account listed (batch or single) by date, template and version, Open
writing the letter as sent to a file for Word, and a letter written from a template with the
merge fields previewed for the account and a free paragraph where the template has one."""

from __future__ import annotations

import os
from pathlib import Path

from pytestqt.qtbot import QtBot

from app.ui.dialogs.letters import WriteLetterDialog
from app.ui.panes.documents_tab import DocumentsTab
from tests.ui.conftest import add_users, open_account

REF = "70000005"
SHOTS = os.environ.get("REVDESK_SCREENSHOTS")  # a folder: save what the officer sees, to look at


def shoot(widget, name: str) -> None:  # type: ignore[no-untyped-def]
    if SHOTS:
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))


def test_write_a_letter_and_open_it(qtbot: QtBot, open_examples, billed_url: str) -> None:  # type: ignore[no-untyped-def]
    add_users(billed_url)
    window = open_examples(billed_url, "olivia")
    open_account(qtbot, window, REF)
    view = window.accounts.account
    view.show_tab(DocumentsTab)
    tab = view.documents_tab
    before = tab.visible_documents()
    assert before and all(d.batch_run_id is not None for d in before)  # the annual bill, from the billing run
    assert tab.model.data(tab.model.index(0, tab.model.COL_MADE)) == "Batch run"

    window.account_actions["write_letter"].trigger()
    dialog = view.dialog
    assert isinstance(dialog, WriteLetterDialog)
    qtbot.waitUntil(lambda: dialog.template.isEnabled(), timeout=10000)
    names = {dialog.template.itemData(i) for i in range(dialog.template.count())}
    assert {"general_correspondence", "writeoff_notification", "arrangement_default", "tracing_enquiry"} <= names
    assert "demand_notice" not in names  # needs a bill's figures, not an account letter's
    for name in names:
        dialog.choose(name)
        chosen = dialog.chosen()
        assert chosen is not None and dialog.paragraph.isEnabled() == chosen.free_paragraph
    dialog.choose("general_correspondence")
    assert dialog.paragraph.isEnabled()
    dialog.paragraph.setPlainText("Thank you for your letter of 3 June.")
    qtbot.waitUntil(lambda: dialog.preview_ok and "Thank you for your letter" in dialog.preview.toPlainText(),
                    timeout=10000)
    preview = dialog.preview.toPlainText()
    assert "Owed now: £" in preview and f"Account reference: {REF}" in preview and "Signed by: " in preview
    assert dialog.save_button.isEnabled()
    dialog.resize(760, 720)
    shoot(dialog, "write_letter_dialog")
    with qtbot.waitSignal(view.loaded, timeout=15000):
        dialog.save_button.click()
    assert "Letter made" in view.notice.text()
    qtbot.waitUntil(lambda: len(tab.visible_documents()) == len(before) + 1, timeout=5000)
    newest = tab.visible_documents()[0]
    assert newest.template == "general_correspondence" and newest.batch_run_id is None
    assert view.tabs.currentWidget().widget() is tab  # type: ignore[attr-defined]
    view.resize(1100, 560)
    shoot(view, "documents_tab")

    opened: list[Path] = []
    view.open_file = lambda path: opened.append(path) or True
    tab.table.selectRow(0)
    assert tab.open_button.isEnabled()
    tab.open_button.click()
    qtbot.waitUntil(lambda: bool(opened), timeout=10000)
    assert opened[0].name == newest.file_name
    assert opened[0].read_bytes() == window.app.document_file(newest.document_id)[1]


def test_a_refused_preview_is_one_sentence(qtbot: QtBot, open_examples, billed_url: str) -> None:  # type: ignore[no-untyped-def]
    add_users(billed_url)
    window = open_examples(billed_url, "olivia")
    open_account(qtbot, window, REF)
    view = window.accounts.account
    dialog = view.write_letter()
    assert isinstance(dialog, WriteLetterDialog)
    qtbot.waitUntil(lambda: dialog.template.isEnabled(), timeout=10000)
    dialog.choose("tracing_enquiry")
    dialog.recipient.setPlainText("\n".join(["Line"] * 9))
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=10000)
    assert "at most 8 lines" in dialog.error.text() and not dialog.save_button.isEnabled()
