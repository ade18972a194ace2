revision = "abc"
down_revision = b"def"
