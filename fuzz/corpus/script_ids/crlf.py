"""windows line endings

Revision ID: e5e5e5e5e5e5
"""
revision = "e5e5e5e5e5e5"
down_revision = ("d4d4d4d4d4d4",)
branch_labels = ()
depends_on = ()


def upgrade():
    pass


def downgrade():
    pass
