"""The trial calculation of a liability change, as the editor shows it before saving.

For each financial year the change touches: the net charge before and after, the
difference, what has been paid and the balance afterwards; the charge lines behind the new
figure (dates, days, description, amount); and the new instalments beside the ones they
replace. Warnings from the service (e.g. a single person discount while someone else is
jointly liable) are shown above the figures, where they cannot be missed.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFrame, QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from app.billing.liability_changes import LiabilityChange
from app.billing.rebilling import RebillResult
from app.ui.formatting import NOTICE_LABELS, financial_year, money, signed_money
from app.ui.models.base import SortFilterProxy
from app.ui.models.preview import ChargeLinesModel, PlanComparisonModel, plan_rows
from app.ui.style import set_role
from app.ui.widgets import ROW_HEIGHT, label, make_table

TABLE_ROWS = 6


class _Figure(QWidget):
    """A caption over a figure, right-aligned like money in tables."""

    def __init__(self, caption: str) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        title = label(caption.upper(), "caption")
        self.value = label("", "figure", selectable=True)
        layout.addWidget(title)
        layout.addWidget(self.value)

    def set_text(self, text: str) -> None:
        self.value.setText(text)


def notice_text(result: RebillResult) -> str:
    if result.notice is None:
        return "The charge does not change for this year: no notice is issued."
    what = NOTICE_LABELS.get(result.notice, "A notice")
    return f"{what} will be issued with the new instalments."


class PreviewPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._change: LiabilityChange | None = None

        self.placeholder = label("", "muted", wrap=True)
        self.warnings = label("", "banner-warning", wrap=True)
        self.warnings.setVisible(False)

        self.year = QComboBox()
        self.year.setAccessibleName("Financial year of the trial calculation")
        self.year.setMinimumContentsLength(9)
        self.year.currentIndexChanged.connect(self._show_year)
        self.years_caption = label("Financial year", "muted")

        self.before = _Figure("Charge before")
        self.after = _Figure("Charge after")
        self.difference = _Figure("Difference")
        self.paid = _Figure("Paid")
        self.balance = _Figure("Balance after")
        figures = QGridLayout()
        figures.setHorizontalSpacing(32)
        for column, figure in enumerate((self.before, self.after, self.difference, self.paid, self.balance)):
            figures.addWidget(figure, 0, column)
        figures.setColumnStretch(5, 1)
        self.notice = label("", "muted", wrap=True)

        self.lines_model = ChargeLinesModel(self)
        c = ChargeLinesModel
        self.lines = make_table(
            SortFilterProxy(self.lines_model, self), stretch=c.COL_DESCRIPTION,
            widths={c.COL_FROM: 108, c.COL_TO: 108, c.COL_DAYS: 56, c.COL_AMOUNT: 104, c.COL_REDUCTION: 100},
        )
        self.plan_model = PlanComparisonModel(self)
        p = PlanComparisonModel
        self.plan = make_table(
            SortFilterProxy(self.plan_model, self), stretch=p.COL_PREVIOUS, fit=(p.COL_DUE,), widths={p.COL_NEW: 110},
        )
        height = self.lines.horizontalHeader().sizeHint().height() + TABLE_ROWS * ROW_HEIGHT + 4
        for table in (self.lines, self.plan):
            table.setFixedHeight(height)
        self.plan.setFixedWidth(316)

        lines_box = QVBoxLayout()
        lines_box.setSpacing(6)
        lines_box.addWidget(label("How the new charge is made up", "section"))
        lines_box.addWidget(self.lines)
        plan_box = QVBoxLayout()
        plan_box.setSpacing(6)
        plan_box.addWidget(label("Instalments", "section"))
        plan_box.addWidget(self.plan)
        tables = QHBoxLayout()
        tables.setSpacing(16)
        tables.addLayout(lines_box, 1)
        tables.addLayout(plan_box)

        year_bar = QHBoxLayout()
        year_bar.setSpacing(8)
        year_bar.addWidget(self.years_caption)
        year_bar.addWidget(self.year)
        year_bar.addStretch(1)

        self.details = QWidget()
        details = QVBoxLayout(self.details)
        details.setContentsMargins(0, 0, 0, 0)
        details.setSpacing(10)
        details.addLayout(year_bar)
        details.addLayout(figures)
        details.addWidget(self.notice)
        details.addLayout(tables)

        card = QFrame()
        set_role(card, "card")
        inner = QVBoxLayout(card)
        inner.setContentsMargins(16, 12, 16, 14)
        inner.setSpacing(10)
        inner.addWidget(self.placeholder)
        inner.addWidget(self.warnings)
        inner.addWidget(self.details)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(card)
        self.show_message("The trial calculation appears here once the details are complete.")

    @property
    def change(self) -> LiabilityChange | None:
        return self._change

    def show_message(self, text: str) -> None:
        """Nothing to show (yet): incomplete details, calculating, or a failed trial."""
        self._change = None
        self.placeholder.setText(text)
        self.placeholder.setVisible(True)
        self.warnings.setVisible(False)
        self.details.setVisible(False)

    def show_change(self, change: LiabilityChange) -> None:
        self._change = change
        self.warnings.setText("\n".join(f"⚠  {w}" for w in change.warnings))
        self.warnings.setVisible(bool(change.warnings))
        if not change.results:
            self.placeholder.setText("No financial year the settings cover is affected: nothing would be charged.")
            self.placeholder.setVisible(True)
            self.details.setVisible(False)
            return
        self.placeholder.setVisible(False)
        self.details.setVisible(True)
        self.year.blockSignals(True)
        self.year.clear()
        for result in change.results:
            self.year.addItem(financial_year(result.year), result.year)
        changed = next((n for n, r in enumerate(change.results) if r.difference_pence or r.notice), 0)
        self.year.setCurrentIndex(changed)
        self.year.blockSignals(False)
        several = len(change.results) > 1
        self.year.setVisible(several)
        self.years_caption.setVisible(several)
        self._show_year()

    def current_result(self) -> RebillResult | None:
        if self._change is None or not self._change.results:
            return None
        index = max(0, self.year.currentIndex())
        return self._change.results[index]

    def _show_year(self) -> None:
        result = self.current_result()
        if result is None:
            return
        before = result.charge_before_pence - result.reduction_before_pence
        self.before.set_text(money(before))
        self.after.set_text(money(result.net_pence))
        self.difference.set_text(signed_money(result.difference_pence))
        self.paid.set_text(money(result.paid_pence))
        self.balance.set_text(money(result.balance_pence))
        reduction = f" Reductions of {money(result.reduction_pence)} are included." if result.reduction_pence else ""
        self.notice.setText(f"{financial_year(result.year)}: {notice_text(result)}{reduction}")
        self.lines_model.set_rows(result.lines)
        self.lines.setColumnHidden(ChargeLinesModel.COL_REDUCTION, not any(li.reduction_pence for li in result.lines))
        self.plan_model.set_rows(plan_rows(result))

    def figure(self, name: str) -> str:
        """The text of one figure ("before", "after", "difference", "paid", "balance")."""
        widget: _Figure = getattr(self, name)
        return widget.value.text()
