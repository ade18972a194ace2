revision, down_revision = "abc", None
