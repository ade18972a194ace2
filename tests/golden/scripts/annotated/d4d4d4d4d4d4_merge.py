'''   merge audit and reports   '''
revision = down_revision = None
revision = "d4d4d4d4d4d4"
down_revision = ["b2b2b2b2b2b2", "c3c3c3c3c3c3"]


def upgrade():
    pass


def downgrade():
    pass
