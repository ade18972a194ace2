revision = "abc"
down_revision = None
def upgrade(:
    pass
