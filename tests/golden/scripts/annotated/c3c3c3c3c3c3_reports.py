"""reports need the core tables and the audit log"""
from alembic import op

revision = "c3c3c3c3c3c3"
down_revision = "a1a1a1a1a1a1"
branch_labels = None
depends_on = ["audit"]


def upgrade():
    pass


def downgrade():
    pass
