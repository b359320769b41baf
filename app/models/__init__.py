"""All ORM classes, imported here so metadata (and Alembic) sees every table."""

from app.models.account import (
    Account,
    AccountParty,
    Discount,
    Exemption,
    LiabilityParty,
    LiabilityPeriod,
    ReductionAward,
)
from app.models.authority import AuthorityYear, Parish
from app.models.base import Base, new_id
from app.models.casework import Arrangement, ArrangementInstalment, DiaryCode, DiaryEntry, Escalation, Note
from app.models.court import CourtJournalApplied, CourtPack, CourtPackCase, SyncConflict
from app.models.direct_debit import DirectDebitCollection, DirectDebitMandate
from app.models.documents import Document, LetterTemplate, WriteOff
from app.models.instalments import Instalment, InstalmentPlan
from app.models.ledger import LedgerTransaction, Payment
from app.models.person import Person
from app.models.property import Property
from app.models.recovery import EnforcementCase, Hold, RecoveryEvent, SafeguardRelease
from app.models.refunds import RefundRequest
from app.models.users import AuditEvent, BatchRun, User

__all__ = [
    "Account",
    "AccountParty",
    "Arrangement",
    "ArrangementInstalment",
    "AuditEvent",
    "AuthorityYear",
    "Base",
    "BatchRun",
    "CourtJournalApplied",
    "CourtPack",
    "CourtPackCase",
    "DiaryCode",
    "DiaryEntry",
    "DirectDebitCollection",
    "DirectDebitMandate",
    "Discount",
    "Document",
    "EnforcementCase",
    "Escalation",
    "Exemption",
    "Hold",
    "Instalment",
    "InstalmentPlan",
    "LedgerTransaction",
    "LetterTemplate",
    "LiabilityParty",
    "LiabilityPeriod",
    "Note",
    "Parish",
    "Payment",
    "Person",
    "Property",
    "RecoveryEvent",
    "ReductionAward",
    "RefundRequest",
    "SafeguardRelease",
    "SyncConflict",
    "User",
    "WriteOff",
    "new_id",
]
