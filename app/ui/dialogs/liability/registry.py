"""Which dialog makes each liability change the account view offers, by its action name."""

from __future__ import annotations

from app.ui.dialogs.liability.change_dialog import ChangeDialog
from app.ui.dialogs.liability.discounts_exemptions import (
    AddDiscountDialog,
    AddExemptionDialog,
    EndDiscountDialog,
    EndExemptionDialog,
)
from app.ui.dialogs.liability.joint_taxpayers import AddJointDialog, EndJointDialog
from app.ui.dialogs.liability.periods import DisabledReductionDialog, MoveOutDialog, SplitPeriodDialog
from app.ui.dialogs.liability.reductions import EndReductionDialog, ReductionDialog

CHANGE_DIALOGS: dict[str, type[ChangeDialog]] = {
    "move_out": MoveOutDialog,
    "add_discount": AddDiscountDialog,
    "end_discount": EndDiscountDialog,
    "add_exemption": AddExemptionDialog,
    "end_exemption": EndExemptionDialog,
    "add_joint": AddJointDialog,
    "end_joint": EndJointDialog,
    "disabled_reduction": DisabledReductionDialog,
    "reduction": ReductionDialog,
    "end_reduction": EndReductionDialog,
    "split_period": SplitPeriodDialog,
}
