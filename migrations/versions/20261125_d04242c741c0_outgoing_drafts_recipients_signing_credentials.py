"""Outgoing documents: drafts and their recipients; signing credentials (PKCS#12 per person or agency)

Revision ID: d04242c741c0
Revises: 0240415baa65
Create Date: 2026-11-25 21:14:24.396563

"""
import sqlalchemy as sa
from alembic import op

import app.sqltypes


# revision identifiers, used by Alembic.
revision = 'd04242c741c0'
down_revision = '0240415baa65'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('signing_credential',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('pkcs12', sa.LargeBinary(), nullable=False),
    sa.Column('subject_name', sa.String(length=255), nullable=False),
    sa.Column('issuer_name', sa.String(length=255), nullable=False),
    sa.Column('serial', sa.String(length=64), nullable=False),
    sa.Column('not_after', app.sqltypes.UtcDateTime(), nullable=False),
    sa.Column('image_png', sa.LargeBinary(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('failed_pins', sa.Integer(), nullable=False),
    sa.Column('locked_until', app.sqltypes.UtcDateTime(), nullable=True),
    sa.Column('created_at', app.sqltypes.UtcDateTime(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_signing_credential_agency_id_agency')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_signing_credential_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signing_credential'))
    )
    with op.batch_alter_table('signing_credential', schema=None) as batch_op:
        batch_op.create_index('ix_signing_credential_active_agency', ['agency_id'], unique=True, postgresql_where=sa.text("active AND kind = 'organisation'"), sqlite_where=sa.text("active AND kind = 'organisation'"))
        batch_op.create_index('ix_signing_credential_active_person', ['user_id'], unique=True, postgresql_where=sa.text("active AND kind = 'person'"), sqlite_where=sa.text("active AND kind = 'person'"))
        batch_op.create_index(batch_op.f('ix_signing_credential_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_signing_credential_user_id'), ['user_id'], unique=False)

    op.create_table('outgoing_draft',
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('extra_recipient_lines', sa.JSON(), nullable=False),
    sa.Column('signer_id', sa.Integer(), nullable=True),
    sa.Column('authority', sa.String(length=8), nullable=False),
    sa.Column('authority_of', sa.String(length=255), nullable=False),
    sa.Column('drafter_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('reply_to_id', sa.Integer(), nullable=True),
    sa.Column('stage', sa.String(length=16), nullable=False),
    sa.Column('signed_at', app.sqltypes.UtcDateTime(), nullable=True),
    sa.Column('issued_at', app.sqltypes.UtcDateTime(), nullable=True),
    sa.Column('released_at', app.sqltypes.UtcDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_outgoing_draft_department_id_department')),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_outgoing_draft_document_id_document')),
    sa.ForeignKeyConstraint(['drafter_id'], ['user.id'], name=op.f('fk_outgoing_draft_drafter_id_user')),
    sa.ForeignKeyConstraint(['reply_to_id'], ['document.id'], name=op.f('fk_outgoing_draft_reply_to_id_document')),
    sa.ForeignKeyConstraint(['signer_id'], ['user.id'], name=op.f('fk_outgoing_draft_signer_id_user')),
    sa.PrimaryKeyConstraint('document_id', name=op.f('pk_outgoing_draft'))
    )
    op.create_table('outgoing_recipient',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('draft_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('delivered_document_id', sa.Integer(), nullable=True),
    sa.Column('exchange_state', sa.String(length=12), nullable=False),
    sa.Column('queued_at', app.sqltypes.UtcDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_outgoing_recipient_agency_id_agency')),
    sa.ForeignKeyConstraint(['delivered_document_id'], ['document.id'], name=op.f('fk_outgoing_recipient_delivered_document_id_document')),
    sa.ForeignKeyConstraint(['draft_id'], ['outgoing_draft.document_id'], name=op.f('fk_outgoing_recipient_draft_id_outgoing_draft')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outgoing_recipient')),
    sa.UniqueConstraint('draft_id', 'code', name=op.f('uq_outgoing_recipient_draft_id_code'))
    )
    with op.batch_alter_table('outgoing_recipient', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outgoing_recipient_draft_id'), ['draft_id'], unique=False)



def downgrade():
    with op.batch_alter_table('outgoing_recipient', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outgoing_recipient_draft_id'))

    op.drop_table('outgoing_recipient')
    op.drop_table('outgoing_draft')
    with op.batch_alter_table('signing_credential', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signing_credential_user_id'))
        batch_op.drop_index(batch_op.f('ix_signing_credential_agency_id'))
        batch_op.drop_index('ix_signing_credential_active_person', postgresql_where=sa.text("active AND kind = 'person'"), sqlite_where=sa.text("active AND kind = 'person'"))
        batch_op.drop_index('ix_signing_credential_active_agency', postgresql_where=sa.text("active AND kind = 'organisation'"), sqlite_where=sa.text("active AND kind = 'organisation'"))

    op.drop_table('signing_credential')
