revision = "abc"
down_revision = 5
