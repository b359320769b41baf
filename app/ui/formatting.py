"""How values read to an officer: UK dates, pounds, financial years and plain-English labels.

Kept free of Qt so table models, headers and tests share one wording and it can be
checked without a window.
"""

from __future__ import annotations

from datetime import date

from app.errors import ServiceError
from app.money import fmt
from app.rules.apportionment import year_label

STAGE_LABELS = {
    "none": "No recovery action",
    "reminder_1": "First reminder",
    "reminder_2": "Second reminder",
    "final_notice": "Final notice",
    "summons": "Summons issued",
    "liability_order": "Liability order granted",
    "adjourned": "Hearing adjourned",
    "withdrawn": "Summons withdrawn",
    "paid_before_hearing": "Paid before the hearing",
    "dd_returned": "Direct Debit returned",
}
ROUTE_LABELS = {
    "attachment_of_earnings": "Attachment of earnings",
    "benefit_deduction": "Deduction from benefit",
    "enforcement_agent": "Enforcement agent",
    "charging_order": "Charging order",
    "bankruptcy": "Bankruptcy",
    "committal": "Committal",
}
OUTCOME_LABELS = {"granted": "Granted", "withdrawn": "Withdrawn", "adjourned": "Adjourned", "paid": "Paid"}
DISCOUNT_LABELS = {
    "SPD": "Single person discount",
    "ALL_DISREGARDED": "All residents disregarded",
    "LONG_TERM_EMPTY": "Long-term empty premium",
    "SECOND_HOME": "Second home premium",
}
PAYMENT_METHOD_LABELS = {"dd": "Direct Debit", "cash": "Cash payer"}
PAYMENT_CHANNEL_LABELS = {
    "dd": "Direct Debit", "card": "Debit or credit card", "bank": "Bank transfer", "cash": "Cash",
    "cheque": "Cheque", "benefit_deduction": "Deduction from benefits", "aoe": "Attachment of earnings",
    "ea": "Enforcement agent",
}
TRANSACTION_LABELS = {
    "charge": "Charge",
    "adjustment": "Adjustment (rebill)",
    "reduction": "Council tax reduction",
    "payment": "Payment",
    "refund": "Refund",
    "reversal": "Payment reversed",
    "costs": "Costs",
    "write_off": "Write-off",
    "transfer": "Transfer",
}
REDUCTION_LABELS = {"ctr": "Council tax reduction", "s13a": "Discretionary reduction (s13A)"}
NOTICE_LABELS = {"demand_notice": "A demand notice", "amended_demand_notice": "An amended demand notice"}
RUN_STATUS_LABELS = {"completed": "Completed", "cancelled": "Cancelled (run again to resume)", "running": "Running",
                     "preview": "Preview (nothing written)"}


def uk_date(value: date | None) -> str:
    """23/11/2026; an empty string for no date."""
    return f"{value:%d/%m/%Y}" if value else ""


def money(pence: int) -> str:
    return fmt(pence)


def financial_year(year: int) -> str:
    """2026 -> "2026/27" (1 April 2026 to 31 March 2027)."""
    return year_label(year)


def humanise(code: str) -> str:
    """"vulnerability_review" -> "Vulnerability review": for codes without a set label."""
    text = code.replace("_", " ").strip()
    return text[:1].upper() + text[1:] if text else ""


def stage_label(stage: str) -> str:
    return STAGE_LABELS.get(stage) or humanise(stage)


def route_label(route: str) -> str:
    return ROUTE_LABELS.get(route) or humanise(route)


def outcome_label(outcome: str) -> str:
    return OUTCOME_LABELS.get(outcome) or humanise(outcome)


def sentence(text: str) -> str:
    """A service's phrase as a sentence: capital first letter, one full stop."""
    text = text.strip()
    if not text:
        return ""
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else f"{text}."


def discount_label(kind: str) -> str:
    return DISCOUNT_LABELS.get(kind) or humanise(kind)


def payment_method_label(method: str) -> str:
    return PAYMENT_METHOD_LABELS.get(method) or humanise(method)


def payment_channel_label(method: str) -> str:
    """How a payment came in ("bank" -> "Bank transfer")."""
    return PAYMENT_CHANNEL_LABELS.get(method) or humanise(method)


def reduction_label(kind: str) -> str:
    return REDUCTION_LABELS.get(kind) or humanise(kind)


def run_status_label(status: str) -> str:
    return RUN_STATUS_LABELS.get(status) or humanise(status)


def signed_money(pence: int) -> str:
    """A difference: "+£12.00", "-£966.57" or "£0.00"."""
    return f"+{money(pence)}" if pence > 0 else money(pence)


def percent_text(basis_points: int) -> str:
    """2500 -> "25%"; 3333 -> "33.33%"."""
    whole, part = divmod(basis_points, 100)
    return f"{whole}%" if not part else f"{whole}.{part:02d}".rstrip("0") + "%"


def transaction_label(kind: str) -> str:
    return TRANSACTION_LABELS.get(kind) or humanise(kind)


def date_range(start: date | None, end: date | None) -> str:
    """"from 01/04/2024" or "01/04/2024 to 31/03/2025"."""
    if end is None:
        return f"from {uk_date(start)}" if start else ""
    return f"{uk_date(start)} to {uk_date(end)}"


def count(n: int, singular: str, plural: str | None = None) -> str:
    """count(1, "result") -> "1 result"; count(1200, "account") -> "1,200 accounts"."""
    word = singular if n == 1 else (plural or f"{singular}s")
    return f"{n:,} {word}"


def error_sentence(exc: BaseException) -> str:
    """One sentence for a person. Service errors are written for officers already; anything
    else is unexpected, so say so plainly and name it (the traceback goes to the log)."""
    if isinstance(exc, ServiceError):
        return str(exc)
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"Something unexpected went wrong ({detail.rstrip('.')}); please try again."
