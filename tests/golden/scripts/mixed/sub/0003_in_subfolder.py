revision = "subrev"
down_revision = "0002"
