"""The account header: who is liable, where, the band, the balance and where recovery
stands, with any hold as a coloured banner. It sits above every account tab, so an
officer never has to open a tab to answer "who, where, how much, what stage"."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.accounts.summary import AccountSummary, ActiveHold
from app.ui.formatting import humanise, money, payment_method_label, stage_label, uk_date
from app.ui.style import set_role
from app.ui.widgets import label


def joint_text(joint_names: list[str]) -> str:
    if not joint_names:
        return "Sole taxpayer"
    return "Jointly liable with " + ", ".join(joint_names)


def balance_caption(balance_pence: int) -> str:
    if balance_pence > 0:
        return "owed"
    if balance_pence < 0:
        return "in credit"
    return "nothing owed"


def stage_text(summary: AccountSummary) -> str:
    stage = summary.recovery.stage
    if stage == "none":
        return stage_label(stage)
    when = uk_date(summary.recovery.stage_date)
    return f"{stage_label(stage)} · {when}" if when else stage_label(stage)


def hold_text(hold: ActiveHold) -> str:
    until = f" until {uk_date(hold.end_date)}" if hold.end_date else ""
    reason = f": {hold.reason}" if hold.reason else ""
    return (
        f"⚠  On hold — {humanise(hold.kind)} since {uk_date(hold.start_date)}{until}{reason}. "
        "Recovery action is paused while the hold is in force."
    )


class _Fact(QWidget):
    """A caption over a value, the way the header lays out its facts. `chip` is a second,
    highlighted value label (shown instead of `value`): a role that changes padding
    cannot be switched on a label once it is shown, so the two are separate widgets."""

    def __init__(self, caption: str) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(label(caption.upper(), "caption"))
        self.value = label("", selectable=True)
        self.chip = label("", "chip", selectable=True)
        self.chip.setVisible(False)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.value)
        row.addWidget(self.chip)
        row.addStretch(1)
        layout.addLayout(row)

    def show_value(self, text: str, *, highlight: bool = False, muted: bool = False) -> None:
        self.value.setText("" if highlight else text)
        self.chip.setText(text if highlight else "")
        self.value.setVisible(not highlight)
        self.chip.setVisible(highlight)
        set_role(self.value, "muted" if muted else "")

    def text(self) -> str:
        return self.chip.text() if self.chip.isVisibleTo(self) else self.value.text()


class AccountHeader(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        card = QFrame()
        card.setObjectName("AccountHeader")

        self.reference = label("", "muted", selectable=True)
        self.name = label("", "title", selectable=True)
        self.joint = label("", "muted", selectable=True)
        self.address = label("", selectable=True)
        self.balance = label("", "amount", selectable=True)
        self.balance.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.balance_caption = label("", "muted")
        self.balance_caption.setAlignment(Qt.AlignmentFlag.AlignRight)
        # Next year's bill (issued in March), beside what is owed now and never added to it.
        self.later_bills = label("", "muted", selectable=True)
        self.later_bills.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.later_bills.setVisible(False)

        self.band = _Fact("Band")
        self.parish = _Fact("Parish")
        self.liable_from = _Fact("Liable from")
        self.payment = _Fact("Payment method")
        self.stage = _Fact("Recovery stage")

        who = QVBoxLayout()
        who.setSpacing(2)
        who.addWidget(self.reference)
        who.addWidget(self.name)
        who.addWidget(self.joint)
        who.addSpacing(4)
        who.addWidget(self.address)

        money_box = QVBoxLayout()
        money_box.setSpacing(2)
        balance_title = label("OWED NOW", "caption")
        balance_title.setAlignment(Qt.AlignmentFlag.AlignRight)
        money_box.addWidget(balance_title)
        money_box.addWidget(self.balance)
        money_box.addWidget(self.balance_caption)
        money_box.addWidget(self.later_bills)
        money_box.addStretch(1)

        facts = QGridLayout()
        facts.setHorizontalSpacing(36)
        for column, fact in enumerate((self.band, self.parish, self.liable_from, self.payment, self.stage)):
            facts.addWidget(fact, 0, column, Qt.AlignmentFlag.AlignTop)
        facts.setColumnStretch(5, 1)

        top = QHBoxLayout()
        top.addLayout(who, 1)
        top.addLayout(money_box)

        inner = QVBoxLayout(card)
        inner.setContentsMargins(20, 16, 20, 16)
        inner.setSpacing(14)
        inner.addLayout(top)
        divider = QFrame()
        divider.setFixedHeight(1)
        set_role(divider, "divider")
        inner.addWidget(divider)
        inner.addLayout(facts)
        next_row = QHBoxLayout()
        next_row.setSpacing(10)
        next_caption = label("NEXT ACTION", "caption")
        next_caption.setFixedWidth(90)
        next_row.addWidget(next_caption, 0, Qt.AlignmentFlag.AlignTop)
        self.next_action = label("", wrap=True, selectable=True)
        next_row.addWidget(self.next_action, 1)
        inner.addLayout(next_row)

        self._banners = QVBoxLayout()
        self._banners.setSpacing(6)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(8)
        outer.addWidget(card)
        outer.addLayout(self._banners)

    def show_summary(self, summary: AccountSummary, as_of: date) -> None:
        self.reference.setText(f"Account {summary.account_ref}")
        self.name.setText(summary.name or "(no liable person recorded)")
        self.joint.setText(joint_text(summary.joint_names))
        self.address.setText(", ".join(p for p in (summary.address, summary.postcode) if p))
        self.balance.setText(money(summary.balance_pence))
        self.balance_caption.setText(f"{balance_caption(summary.balance_pence)} at {uk_date(as_of)}")
        self.later_bills.setText("\n".join(bill.describe() for bill in summary.later_bills))
        self.later_bills.setVisible(bool(summary.later_bills))
        self.band.show_value(summary.band or "—")
        self.parish.show_value(summary.parish or "Unparished")
        self.liable_from.show_value(uk_date(summary.liable_from) or "—")
        self.payment.show_value(payment_method_label(summary.payment_method))
        in_recovery = summary.recovery.stage != "none"
        self.stage.show_value(stage_text(summary), highlight=in_recovery, muted=not in_recovery)
        self._show_holds(summary.recovery.holds)

    def show_next_action(self, text: str, *, due: bool) -> None:
        """What recovery does next on the account and why (from the recovery engine)."""
        self.next_action.setText(text)
        set_role(self.next_action, "" if due else "muted")

    def hold_banners(self) -> list[QLabel]:
        items = (self._banners.itemAt(i) for i in range(self._banners.count()))
        return [w for item in items if item is not None and isinstance(w := item.widget(), QLabel)]

    def _show_holds(self, holds: list[ActiveHold]) -> None:
        while self._banners.count():
            item = self._banners.takeAt(0)
            if item is not None and (widget := item.widget()) is not None:
                widget.deleteLater()
        for hold in holds:
            self._banners.addWidget(label(hold_text(hold), "banner-warning", wrap=True))
