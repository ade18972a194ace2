revision = "aaaa1111"
down_revision = "bbbb2222"
