revision = "abc"
down_revision = get_parent("x")
