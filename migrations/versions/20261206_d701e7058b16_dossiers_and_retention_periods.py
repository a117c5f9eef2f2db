"""Dossiers: retention periods (seeded), the annual Danh mục hồ sơ, filed documents

The retention periods are seeded here, not by seed-demo: every installation needs them before its first
dossier can be listed, and the administrator edits them afterwards. Written out, not imported from the
app, so that this migration stays what it was when later code changes.

Revision ID: d701e7058b16
Revises: 2f6a8c0d4e17
Create Date: 2026-12-06 06:44:53

"""
import sqlalchemy as sa
from alembic import op

import app.sqltypes

revision = "d701e7058b16"
down_revision = "2f6a8c0d4e17"
branch_labels = None
depends_on = None

# Common kinds from Thông tư 10/2022/TT-BNV (thời hạn bảo quản tài liệu chung): name, years, examples.
RETENTION_SEED = (
    ("Vĩnh viễn", None, "Hồ sơ xây dựng, ban hành quy chế, quy định, hướng dẫn; kế hoạch, báo cáo tổng kết năm "
                        "và nhiều năm; hồ sơ tổ chức bộ máy, quy hoạch, bổ nhiệm cán bộ; hồ sơ hội nghị tổng kết."),
    ("70 năm", 70, "Hồ sơ gốc cán bộ, công chức, viên chức; hồ sơ giải quyết chế độ hưu trí, tử tuất; "
                   "sổ, bảng lương."),
    ("50 năm", 50, "Hồ sơ thanh tra, giải quyết khiếu nại, tố cáo vụ việc nghiêm trọng; hồ sơ kỷ luật cán bộ; "
                   "hồ sơ nâng ngạch, chuyển ngạch."),
    ("20 năm", 20, "Kế hoạch, báo cáo công tác quý, 6 tháng; hồ sơ hội nghị sơ kết; hồ sơ kiểm tra công tác "
                   "chuyên môn; hồ sơ thi đua, khen thưởng thường xuyên."),
    ("10 năm", 10, "Kế hoạch, báo cáo tháng; công văn trao đổi về công tác chuyên môn; sổ đăng ký văn bản đi, "
                   "đến (bản điện tử kèm hồ sơ)."),
    ("5 năm", 5, "Văn bản gửi để biết, để tham khảo; giấy mời, thông báo lịch công tác; hồ sơ mua sắm văn "
                 "phòng phẩm, sửa chữa nhỏ."),
)


def upgrade():
    retention = op.create_table(
        "retention_period",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("years", sa.Integer(), nullable=True),
        sa.Column("examples", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint("years IS NULL OR years BETWEEN 1 AND 200", name=op.f("ck_retention_period_years_bounded")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_period")),
        sa.UniqueConstraint("name", name=op.f("uq_retention_period_name")),
    )
    op.bulk_insert(retention, [{"name": name, "years": years, "examples": examples, "active": True}
                               for name, years, examples in RETENTION_SEED])
    op.create_table(
        "dossier",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("notation", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("responsible_id", sa.Integer(), nullable=True),
        sa.Column("retention_id", sa.Integer(), nullable=False),
        sa.Column("access", sa.String(length=12), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("closed_at", app.sqltypes.UtcDateTime(), nullable=True),
        sa.Column("legal_hold", sa.Boolean(), nullable=False),
        sa.Column("created_at", app.sqltypes.UtcDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("copied_from_id", sa.Integer(), nullable=True),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("access IN ('public', 'restricted', 'secret')", name=op.f("ck_dossier_access_known")),
        sa.CheckConstraint("status IN ('open', 'closed')", name=op.f("ck_dossier_status_known")),
        sa.CheckConstraint("year BETWEEN 1900 AND 2999", name=op.f("ck_dossier_year_bounded")),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], name=op.f("fk_dossier_agency_id_agency")),
        sa.ForeignKeyConstraint(["copied_from_id"], ["dossier.id"], name=op.f("fk_dossier_copied_from_id_dossier")),
        sa.ForeignKeyConstraint(["created_by_id"], ["user.id"], name=op.f("fk_dossier_created_by_id_user")),
        sa.ForeignKeyConstraint(["department_id"], ["department.id"], name=op.f("fk_dossier_department_id_department")),
        sa.ForeignKeyConstraint(["responsible_id"], ["user.id"], name=op.f("fk_dossier_responsible_id_user")),
        sa.ForeignKeyConstraint(["retention_id"], ["retention_period.id"],
                                name=op.f("fk_dossier_retention_id_retention_period")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier")),
        sa.UniqueConstraint("agency_id", "year", "notation", name=op.f("uq_dossier_agency_id_year_notation")),
    )
    op.create_index("ix_dossier_agency_id", "dossier", ["agency_id"])
    op.create_index("ix_dossier_agency_year", "dossier", ["agency_id", "year"])
    op.create_index("ix_dossier_department_id", "dossier", ["department_id"])
    op.create_index("ix_dossier_responsible_id", "dossier", ["responsible_id"])
    op.create_table(
        "dossier_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("filed_at", app.sqltypes.UtcDateTime(), nullable=False),
        sa.Column("filed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"], name=op.f("fk_dossier_document_document_id_document")),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossier.id"], name=op.f("fk_dossier_document_dossier_id_dossier")),
        sa.ForeignKeyConstraint(["filed_by_id"], ["user.id"], name=op.f("fk_dossier_document_filed_by_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_document")),
        sa.UniqueConstraint("dossier_id", "document_id", name=op.f("uq_dossier_document_dossier_id_document_id")),
        sa.UniqueConstraint("dossier_id", "position", name=op.f("uq_dossier_document_dossier_id_position")),
    )
    op.create_index("ix_dossier_document_document_id", "dossier_document", ["document_id"])


def downgrade():
    op.drop_index("ix_dossier_document_document_id", table_name="dossier_document")
    op.drop_table("dossier_document")
    for index in ("ix_dossier_responsible_id", "ix_dossier_department_id", "ix_dossier_agency_year",
                  "ix_dossier_agency_id"):
        op.drop_index(index, table_name="dossier")
    op.drop_table("dossier")
    op.drop_table("retention_period")
