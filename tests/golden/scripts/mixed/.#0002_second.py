revision = "lock"
down_revision = None
