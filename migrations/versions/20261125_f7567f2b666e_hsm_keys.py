"""Agency seal keys inside a PKCS#11 token/HSM: token and key labels, certificate and chain; no PKCS#12

Revision ID: f7567f2b666e
Revises: f070afa85800
Create Date: 2026-11-25 21:40:45.130116

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f7567f2b666e'
down_revision = 'f070afa85800'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('signing_credential', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pkcs11_token', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('pkcs11_key', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('certificate_der', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('chain_der', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.alter_column('pkcs12',
               existing_type=sa.LargeBinary(),
               nullable=True)



def downgrade():
    with op.batch_alter_table('signing_credential', schema=None) as batch_op:
        batch_op.alter_column('pkcs12',
               existing_type=sa.LargeBinary(),
               nullable=False)
        batch_op.drop_column('chain_der')
        batch_op.drop_column('certificate_der')
        batch_op.drop_column('pkcs11_key')
        batch_op.drop_column('pkcs11_token')

