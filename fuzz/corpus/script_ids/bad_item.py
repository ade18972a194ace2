revision = "abc"
down_revision = None
depends_on = ("def", None)
