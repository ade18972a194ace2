revision = "bbbb2222"
down_revision = "aaaa1111"
