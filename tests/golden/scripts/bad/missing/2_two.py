revision = "bbbb2222"
down_revision = "ffff9999"
