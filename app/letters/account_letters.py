"""Letters an officer writes from an account: one merge-data builder, and generating one.

Every single letter (write-off notification, arrangement default, general correspondence,
tracing enquiry, or a council's own template) is merged from the same data, built once
here: who the taxpayers are, where to write (a forwarding address once the taxpayer is
traced), what is owed now and for each year, approved write-offs, the council's block,
the officer's name and their free paragraph. The data is stored with the letter, so the
letter re-renders as sent.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.accounts.debtors import debtors
from app.accounts.summary import get_account_id
from app.config import AuthoritySettings
from app.db import UnitOfWork
from app.dto import JsonView, clean_text
from app.enums import DocumentKind, WriteOffStatus
from app.errors import ValidationError
from app.ledger.balances import owed_now_pence, year_balances
from app.letters import catalogue
from app.letters.council import council_fields
from app.letters.documents import issue_letter
from app.letters.requests import GenerateLetter
from app.models import AuditEvent, WriteOff
from app.requests import handles
from app.rules.apportionment import year_label
from app.users.roles import Actor, Role

PARAGRAPH_MAX = 4000  # an officer's own paragraph: a few hundred words at most
RECIPIENT_LINES = 8
_POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$", re.IGNORECASE)
ACCOUNT_FIELDS = frozenset({
    "authority", "council", "issued_on", "account_ref", "names", "address_lines", "postcode", "taxpayer_names",
    "property_address", "forwarded", "last_known_address", "owed_now_pence", "years", "writeoffs", "officer",
    catalogue.FREE_PARAGRAPH,
})  # what `account_letter_data` gives: a template reading only these can be written from an account
TRACED = "trace.traced"  # the audit action that records a forwarding address (app.casework.tracing)


@dataclass(frozen=True)
class GeneratedLetter(JsonView):
    """The letter made and kept on the account."""

    document_id: uuid.UUID
    account_ref: str
    template: str
    template_version: str
    file_name: str
    issued_on: date


def split_address(text: str) -> tuple[list[str], str]:
    """Address text (lines or commas) -> (lines, postcode): the postcode is the last part when it is one."""
    parts = [p.strip() for p in re.split(r"[\n,]", text) if p.strip()]
    if parts and _POSTCODE.match(parts[-1]):
        return parts[:-1], parts[-1].upper()
    return parts, ""


def forwarding_address(uow: UnitOfWork, account_id: uuid.UUID) -> str:
    """The latest address the taxpayer was traced to (`record_traced`), or ""."""
    after = uow.session.scalar(
        select(AuditEvent.after).where(AuditEvent.account_id == account_id, AuditEvent.action == TRACED)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(1)
    )
    return str((after or {}).get("address", "")) if isinstance(after, dict) else ""


def account_letter_data(
    uow: UnitOfWork, settings: AuthoritySettings, actor: Actor, account_id: uuid.UUID, as_of: date, *,
    paragraph: str = "", recipient: tuple[str, ...] = (),
) -> dict[str, Any]:
    """The merge data of any single letter from the account, as plain JSON values.

    `names`/`address_lines`/`postcode` are who the letter goes to: the taxpayers at the
    forwarding address when one is recorded (else the liable property), or `recipient`
    (a third party: first line the name). `taxpayer_names` and `last_known_address` always
    describe the taxpayer; `owed_now_pence` leaves later years' bills out.
    """
    person = debtors(uow, [account_id], as_of)[account_id]
    taxpayers = [n for n in (person.name, *person.joint_names) if n]
    property_lines = person.address_lines
    forward = forwarding_address(uow, account_id)
    forward_lines, forward_postcode = split_address(forward)
    last_known = ", ".join([*(forward_lines or property_lines), forward_postcode if forward else person.postcode])
    if recipient:
        names, lines, postcode = [recipient[0]], list(recipient[1:]), ""
        if lines and _POSTCODE.match(lines[-1]):
            lines, postcode = lines[:-1], lines[-1].upper()
    elif forward:
        names, lines, postcode = taxpayers, forward_lines, forward_postcode
    else:
        names, lines, postcode = taxpayers, property_lines, person.postcode
    years = year_balances(uow, [account_id])[account_id]
    written_off = uow.session.execute(
        select(WriteOff.financial_year, WriteOff.amount_pence, WriteOff.reason, WriteOff.approved_on)
        .where(WriteOff.account_id == account_id, WriteOff.status == WriteOffStatus.APPROVED)
        .order_by(WriteOff.approved_on, WriteOff.financial_year)
    ).all()
    reasons = settings.writeoffs.reasons
    return {
        **council_fields(settings),
        "issued_on": as_of.isoformat(),
        "account_ref": person.account_ref,
        "names": names, "address_lines": lines, "postcode": postcode,
        "taxpayer_names": taxpayers,
        "property_address": ", ".join([*property_lines, person.postcode]) if person.postcode else ", ".join(property_lines),
        "forwarded": bool(forward) and not recipient,
        "last_known_address": last_known.strip(", "),
        "owed_now_pence": owed_now_pence(uow, account_id, as_of),
        "years": [{"year": y, "year_label": year_label(y), "balance_pence": b} for y, b in sorted(years.items()) if b],
        "writeoffs": [
            {"year_label": year_label(y), "amount_pence": amount,
             "reason": reasons[reason].label if reason in reasons else reason,
             "approved_on": approved.isoformat() if approved else ""}
            for y, amount, reason, approved in written_off
        ],
        "officer": actor.display_name or actor.username,
        catalogue.FREE_PARAGRAPH: paragraph,
    }


def account_templates(folder: Path | None) -> list[catalogue.TemplateInfo]:
    """The templates a letter can be written from an account with (every field they read is given)."""
    return [info for info in catalogue.list_templates(folder)[0] if set(info.fields) <= ACCOUNT_FIELDS]


def _recipient_lines(recipient: tuple[str, ...]) -> tuple[str, ...]:
    lines = tuple(clean_text(line, field="recipient", label="the recipient's name and address", max_length=200)
                  for line in recipient if line.strip())
    if len(lines) > RECIPIENT_LINES:
        raise ValidationError(f"The recipient's name and address may have at most {RECIPIENT_LINES} lines.",
                              field="recipient")
    return lines


def letter_preview(
    uow: UnitOfWork, settings: AuthoritySettings, actor: Actor, *, account_ref: str, template: str, as_of: date,
    paragraph: str = "", recipient: tuple[str, ...] = (),
) -> tuple[catalogue.TemplateInfo, dict[str, Any]]:
    """The template as it would be used and the merge data this account would give it
    (the "Write a letter" preview); refused, naming the fields, when they do not fit."""
    info, _ = catalogue.current(template, settings.letters.folder)
    text = clean_text(paragraph, field="paragraph", label="the paragraph", max_length=PARAGRAPH_MAX,
                      required=False, multiline=True)
    if text and not info.free_paragraph:
        raise ValidationError(f"The letter template '{template}' has no free paragraph: choose one that has "
                              "(general correspondence) or leave the paragraph out.", field="paragraph")
    account_id = get_account_id(uow, account_ref)
    data = account_letter_data(uow, settings, actor, account_id, as_of, paragraph=text,
                               recipient=_recipient_lines(recipient))
    catalogue.require_fields(info, data, "a letter from an account")
    return info, data


@handles(GenerateLetter, role=Role.OFFICER, action="write letters")
def generate_letter(
    uow: UnitOfWork, actor: Actor, settings: AuthoritySettings, *, account_ref: str, template: str, as_of: date,
    paragraph: str = "", recipient: tuple[str, ...] = (),
) -> GeneratedLetter:
    """Make the letter and keep it on the account as sent (its bytes, data and template
    version), with an audit event; nothing is kept when the template or data is refused."""
    info, data = letter_preview(uow, settings, actor, account_ref=account_ref, template=template, as_of=as_of,
                                paragraph=paragraph, recipient=recipient)
    account_id = get_account_id(uow, account_ref)
    document = issue_letter(uow, actor, account_id=account_id, kind=DocumentKind.LETTER, template=info.name,
                            data=data, issued_on=as_of, folder=settings.letters.folder)
    uow.commit()
    return GeneratedLetter(
        document_id=document.document_id, account_ref=account_ref.strip(), template=info.name,
        template_version=document.template_version, file_name=document.file_name, issued_on=as_of,
    )
