"""A dossier whose retention period has ended, proposed for destruction review (đề nghị xét hủy).

One row per dossier, written by the retention sweep (app.dossiers.retention) and changed only by a
leader's decision: keep it longer (with a reason and a year to look again) or approve it for the
destruction review council. Nothing here deletes anything: the destruction itself is a separate,
human procedure (Hội đồng xác định giá trị tài liệu) outside this system.
"""
from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.directory.models import AgencyScoped
from app.extensions import db
from app.sqltypes import UtcDateTime, utcnow

PROPOSED, KEPT, APPROVED = "proposed", "kept", "approved"  # approved: for destruction review, never destroyed
PROPOSAL_STATES = (PROPOSED, KEPT, APPROVED)


class DestructionProposal(AgencyScoped, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), unique=True)
    state: Mapped[str] = mapped_column(String(10), default=PROPOSED)
    # The last day of the retention period the sweep found ended (a decision to keep moves it on).
    retention_ended_on = mapped_column(Date, nullable=False)
    proposed_at = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    decided_at = mapped_column(UtcDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    keep_until_year: Mapped[int | None] = mapped_column(Integer)  # kept: looked at again after this year

    dossier = relationship("Dossier")
    decided_by = relationship("User")

    __table_args__ = (
        CheckConstraint(f"state IN {PROPOSAL_STATES}", name="state_known"),
        CheckConstraint("state != 'kept' OR keep_until_year IS NOT NULL", name="kept_has_year"),
    )
