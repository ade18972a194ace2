revision = "nope"
down_revision = None
