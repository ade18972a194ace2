revision = "cccc3333"
down_revision = None
