"""Desktop court mode: the Hearings pane packs the list for court; File ▸ Open court pack…
moves the window onto the pack with a banner saying so; outcomes recorded there are
journaled one account at a time; a file that is not a pack is refused in one sentence."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from app.recovery.requests import RunRecovery
from app.ui.panes.hearings import HearingsPane

HEARING = date(2025, 7, 15)


def _hearings(window: Any) -> HearingsPane:
    pane = window.panes["hearings"]
    assert isinstance(pane, HearingsPane)
    return pane


def test_pack_open_in_court_mode_and_record(qtbot: QtBot, open_examples, billed_url: str, tmp_path: Path,  # type: ignore[no-untyped-def]
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    window = open_examples(billed_url, today=HEARING)
    window.app.execute(RunRecovery(as_of=date(2025, 5, 8)))
    window.app.execute(RunRecovery(as_of=date(2025, 5, 22)))  # 70000002 and 70000005 summonsed for HEARING
    pane = _hearings(window)
    window.show_pane("hearings")
    qtbot.waitUntil(lambda: pane.model.rowCount() == 2, timeout=10000)
    assert pane.pack_button.isVisible() and not window.court_banner.isVisible()
    pack = tmp_path / "hearing.pack"
    pane.pack(str(pack))
    qtbot.waitUntil(lambda: pane.status.text().startswith("Packed 2 accounts into"), timeout=20000)
    assert pack.is_file() and "at court until 22/07/2025" in pane.status.text()

    assert window.open_court_pack(str(pack))
    assert window.app.in_court_mode
    assert window.court_banner.isVisible()
    assert window.court_banner.text().startswith("Court mode — hearing on 15/07/2025: 2 accounts packed by admin.")
    court = _hearings(window)
    qtbot.waitUntil(lambda: court.model.rowCount() == 2, timeout=10000)
    assert court.hearing_date == HEARING and not court.pack_button.isVisible()
    court.table.selectAll()
    court.adjourn_button.click()  # several accounts: one journaled request each
    qtbot.waitUntil(lambda: court.status.text().startswith("Adjourned: 2 accounts recorded"), timeout=20000)
    assert [(e.seq, e.command) for e in window.app.court_journal()] == [(1, "court.record_outcome"),
                                                                         (2, "court.record_outcome")]
    window.show_court_banner()
    assert "(2 entries so far)" in window.court_banner.text()
    if os.environ.get("REVDESK_SCREENSHOTS"):
        window.grab().save(os.environ["REVDESK_SCREENSHOTS"])

    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: warned.append(text))
    assert not window.open_court_pack(str(tmp_path / "missing.pack"))
    assert warned == [f"There is no court pack at {tmp_path / 'missing.pack'}."]
    assert window.app.in_court_mode  # still on the pack
