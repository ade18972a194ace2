revision = "abc"
down_revision = None
branch_labels = f"feat"
